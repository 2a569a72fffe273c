"""The TreatmentCourse: one patient's plan for one indication, and everything done under it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import corrections, course_rules, signatures
from domain.copying import CopiedPerCommand
from domain.corrections import Voidable, require_supersedes
from domain.course_rules import STATUS_CHANGES, CourseRules
from domain.course_state import (
    CourseSnapshot,
    DatedEntry,
    GivenDose,
    LiveEntries,
    LiveFormulation,
    upcast_v1_v2,
)
from domain.course_timing import CourseTiming
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.formulation import Formula
from domain.patient_history import refuse_outdated_snapshot
from domain.recall import RecallsInForce
from domain.signatures import Signable
from domain.standing import PatientStanding
from domain.values import Actor, ClinicPolicy, require_member, require_text
from domain.vocabulary import EFFICACY_NOT_ESTABLISHED, INDICATIONS, CourseStatus


class TreatmentCourse(CourseRules, CourseTiming, LiveEntries, Voidable, Signable, CopiedPerCommand,
                      Aggregate):
    TOPIC = "mesoledger.TreatmentCourse"
    Snapshot = CourseSnapshot
    class_version = 4  # 1 held live entries as text; 2 kept no clinical times; 3 no plan entry
    upcast_v1_v2 = staticmethod(upcast_v1_v2)
    upcast_v2_v3 = staticmethod(refuse_outdated_snapshot)  # rebuilt from its events
    upcast_v3_v4 = staticmethod(refuse_outdated_snapshot)

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.TreatmentCourse.Created"  # base of Planned, never recorded itself

    class Planned(Created):
        TOPIC = "mesoledger.TreatmentCourse.Planned"
        patient_id: UUID
        clinic: str
        plan: CoursePlan
        efficacy_note: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class PlanAmended(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.PlanAmended"
        plan: CoursePlan
        reason: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None
        supersedes: int | None = None  # the plan entry it replaces (None: recorded before)

    class Formulated(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.Formulated"
        formulation_version: int
        formula: Formula
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class Injected(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.Injected"
        dose: Dose
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class OutcomeAssessed(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.OutcomeAssessed"
        outcome: Outcome
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class AdverseEventReported(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.AdverseEventReported"
        report: AdverseEventReport
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class StatusChanged(course_rules.StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.StatusChanged"  # base of the four, never recorded

    class Suspended(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Suspended"

    class Resumed(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Resumed"

    class Completed(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Completed"

    class Discontinued(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Discontinued"

    class EntryVoided(corrections.EntryVoided):
        TOPIC = "mesoledger.TreatmentCourse.EntryVoided"
        reason: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None
        entry_kind: str | None = None  # what it voided (None: recorded before voids said)

    class EntrySigned(signatures.EntrySigned):
        TOPIC = "mesoledger.TreatmentCourse.EntrySigned"

    class EntrySignatureRevoked(signatures.EntrySignatureRevoked):
        TOPIC = "mesoledger.TreatmentCourse.EntrySignatureRevoked"

    @event(Planned)
    def __init__(self, patient_id: UUID, clinic: str, plan: CoursePlan, efficacy_note: str,
                 actor: Actor, occurred_at: datetime) -> None:
        self.patient_id = patient_id
        self.clinic = clinic
        self.plan = plan
        self.efficacy_note = efficacy_note
        self.clinician = actor
        self.planned_at = occurred_at
        self.status = CourseStatus.ACTIVE
        self._note_no_entries_yet()
        self.plan_entry = 1  # the version of the entry that set the plan in force

    @classmethod
    def plan_for(cls, course_id: UUID, patient_id: UUID, clinic: str, plan: CoursePlan,
                 standing: PatientStanding, policy: ClinicPolicy, actor: Actor,
                 at: datetime) -> TreatmentCourse:
        cls._require_plannable(plan, standing, policy, at)
        note = "" if INDICATIONS[plan.indication].efficacy_established else EFFICACY_NOT_ESTABLISHED
        return cls._create(cls.Planned, id=course_id, patient_id=patient_id, clinic=clinic,
                           plan=plan, efficacy_note=note, actor=actor, occurred_at=at)

    def amend_plan(self, plan: CoursePlan, reason: str, actor: Actor, at: datetime,
                   supersedes: int | None = None) -> None:
        """Replace the plan in force (`supersedes` names it, if the caller does)."""
        require_text("reason", reason, max_length=2000)
        require_supersedes(supersedes, self.plan_entry, "plan")
        self._require_open()
        self._require_after_plan(at)
        self._require_same_indication(plan)
        self._require_sessions_not_below_done(plan)
        self._plan_amended(plan, reason, actor, at, self.plan_entry)

    def formulate(self, formula: Formula, standing: PatientStanding, actor: Actor,
                  at: datetime, recalls: RecallsInForce | None = None) -> int:
        self._require_active()
        self._require_after_plan(at)
        self._require_no_allergen(formula, standing.allergies_at(at))
        self._require_unexpired(formula.lots, formula.lots, at.date())
        self._require_aqueous(formula)
        if recalls is not None:
            recalls.require_none_of(formula.product_lots, at)
        self._formulated(self.formulation_count + 1, formula, actor, at)
        return self.formulation_count

    def inject(self, dose: Dose, standing: PatientStanding, policy: ClinicPolicy,
               actor: Actor, at: datetime, recalls: RecallsInForce | None = None) -> None:
        self._require_active()
        self._require_after_plan(at)
        self._require_planned(dose.site)
        standing.require_treatment_consent(at)
        standing.require_current_eligible_screening(at, policy.screening_validity_days)
        formula = self._require_formulation(dose.formulation_version, at)
        self._require_no_allergen(formula, standing.allergies_at(at))
        self._require_unexpired(dose.lots, formula.lots, at.date())
        if recalls is not None:
            recalls.require_none_of(formula.product_lots, at)  # the whole mix is injected
        self._require_depth_in_range(dose)
        self._require_volume_within_limit(dose, policy.area_session_volume_limit_ml)
        self._require_session_in_plan(dose.session)
        self._require_interval_kept(dose, at, policy.interval_tolerance)
        self._require_supervision(dose, actor)
        self._injected(dose, actor, at)

    def assess_outcome(self, outcome: Outcome, actor: Actor, at: datetime) -> None:
        self._require_after_plan(at)
        self._require_planned(outcome.site)
        self._require_scale_fits(outcome)
        self._require_session_within_plan(outcome.session)
        self._outcome_assessed(outcome, actor, at)

    def report_adverse_event(self, report: AdverseEventReport, actor: Actor,
                             at: datetime) -> None:
        self._require_after_plan(at)
        self._require_onset_not_in_future(report, at)
        self._require_after_first_injection(report, at)
        self._require_suspects_given(report)
        self._adverse_event_reported(report, actor, at)
        if report.serious and self.status is CourseStatus.ACTIVE:
            self.trigger_event(self.Suspended, actor=actor, occurred_at=at,
                               reason=f"serious adverse event ({report.kind}) reported")

    def change_status(self, action: str, reason: str, actor: Actor, at: datetime) -> None:
        """Suspend, resume, complete or discontinue: each from the statuses it may."""
        require_text("reason", reason, max_length=2000)
        require_member("action", action, STATUS_CHANGES)  # not an action at all: malformed
        self._require_after_plan(at)
        change = getattr(self, self._require_status_change(action))
        self.trigger_event(change, reason=reason, actor=actor, occurred_at=at)

    def _require_void_fits(self, version: int, kind: str, at: datetime) -> None:
        self._require_after_plan(at)
        self._require_not_in_use(version)  # a mix an injection used stays

    # --- evolve -------------------------------------------------------------------------

    @event(PlanAmended)
    def _plan_amended(self, plan: CoursePlan, reason: str, actor: Actor,
                      occurred_at: datetime, supersedes: int | None = None) -> None:
        self.plan = plan
        self.plan_entry = self.version + 1

    @event(Formulated)
    def _formulated(self, formulation_version: int, formula: Formula, actor: Actor,
                    occurred_at: datetime) -> None:
        self.formulation_count = formulation_version
        self.formulations.append(LiveFormulation(
            self._entry_being_applied, formulation_version, formula, occurred_at))

    @event(Injected)
    def _injected(self, dose: Dose, actor: Actor, occurred_at: datetime) -> None:
        self.given.append(GivenDose(self._entry_being_applied, dose.session, dose.site,
                                    dose.volume_ml, dose.formulation_version))
        self.given_at.append(DatedEntry(self._entry_being_applied, occurred_at))

    @event(OutcomeAssessed)
    def _outcome_assessed(self, outcome: Outcome, actor: Actor, occurred_at: datetime) -> None:
        self.assessed.append(self._entry_being_applied)

    @event(AdverseEventReported)
    def _adverse_event_reported(self, report: AdverseEventReport, actor: Actor,
                                occurred_at: datetime) -> None:
        self.reported.append(self._entry_being_applied)
