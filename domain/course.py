"""The TreatmentCourse: one patient's plan for one indication, and everything done under it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.copying import CopiedPerCommand
from domain.course_rules import ACTIVE, COMPLETED, DISCONTINUED, SUSPENDED, CourseRules
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.formulation import Formula
from domain.patient import PatientStanding
from domain.values import Actor, ClinicPolicy, Site, require_text
from domain.vocabulary import EFFICACY_NOT_ESTABLISHED, INDICATIONS


class InjectionRecord(NamedTuple):
    """What the course remembers of a live injection, to enforce limits and undo a void.

    Held in the course's state as a plain JSON list: a snapshot of a long course then
    decodes without a Python call per injection (measured in bench/commands.py).
    """

    session: int
    area: str
    laterality: str
    volume_ml: str
    formulation_version: int

    @classmethod
    def of(cls, dose: Dose) -> list:
        return [dose.session, dose.site.area, dose.site.laterality, str(dose.volume_ml),
                dose.formulation_version]


class TreatmentCourse(CourseRules, CopiedPerCommand, Aggregate):
    TOPIC = "mesoledger.TreatmentCourse"

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

    class PlanAmended(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.PlanAmended"
        plan: CoursePlan
        reason: str
        actor: Actor
        occurred_at: datetime

    class Formulated(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.Formulated"
        formulation_version: int
        formula: Formula
        actor: Actor
        occurred_at: datetime

    class Injected(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.Injected"
        dose: Dose
        actor: Actor
        occurred_at: datetime

    class OutcomeAssessed(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.OutcomeAssessed"
        outcome: Outcome
        actor: Actor
        occurred_at: datetime

    class AdverseEventReported(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.AdverseEventReported"
        report: AdverseEventReport
        actor: Actor
        occurred_at: datetime

    class StatusChanged(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.StatusChanged"  # base of the four, never recorded
        reason: str
        actor: Actor
        occurred_at: datetime

    class Suspended(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Suspended"

    class Resumed(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Resumed"

    class Completed(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Completed"

    class Discontinued(StatusChanged):
        TOPIC = "mesoledger.TreatmentCourse.Discontinued"

    class EntryVoided(Aggregate.Event):
        TOPIC = "mesoledger.TreatmentCourse.EntryVoided"
        entry_version: int
        reason: str
        actor: Actor
        occurred_at: datetime

    @event(Planned)
    def __init__(self, patient_id: UUID, clinic: str, plan: CoursePlan, efficacy_note: str,
                 actor: Actor, occurred_at: datetime) -> None:
        self.patient_id = patient_id
        self.clinic = clinic
        self.plan = plan
        self.efficacy_note = efficacy_note
        self.clinician = actor
        self.status = ACTIVE
        self.formulas: dict[str, Formula] = {}
        self.formulation_count = 0
        self.injections: dict[str, list] = {}  # event version → InjectionRecord.of(dose)
        self.live_entries: dict[str, str] = {}
        self.voided: list[int] = []

    @classmethod
    def plan_for(cls, course_id: UUID, patient_id: UUID, clinic: str, plan: CoursePlan,
                 standing: PatientStanding, policy: ClinicPolicy, actor: Actor,
                 at: datetime) -> TreatmentCourse:
        standing.require_current_eligible_screening(at, policy.screening_validity_days)
        cls._require_indication_screened(plan.indication, standing)
        note = "" if INDICATIONS[plan.indication].efficacy_established else EFFICACY_NOT_ESTABLISHED
        return cls._create(cls.Planned, id=course_id, patient_id=patient_id, clinic=clinic,
                           plan=plan, efficacy_note=note, actor=actor, occurred_at=at)

    # --- decide -------------------------------------------------------------------------

    def amend_plan(self, plan: CoursePlan, reason: str, actor: Actor, at: datetime) -> None:
        require_text("reason", reason, max_length=2000)
        self._require_open()
        self._require_same_indication(plan)
        self._require_sessions_not_below_done(plan)
        self._plan_amended(plan, reason, actor, at)

    def formulate(self, formula: Formula, standing: PatientStanding, actor: Actor,
                  at: datetime) -> int:
        self._require_active()
        self._require_no_allergen(formula, standing.allergies)
        self._require_unexpired(formula.lots, formula.lots, at.date())
        self._require_aqueous(formula)
        self._formulated(self.formulation_count + 1, formula, actor, at)
        return self.formulation_count

    def inject(self, dose: Dose, standing: PatientStanding, policy: ClinicPolicy,
               actor: Actor, at: datetime) -> None:
        self._require_active()
        self._require_planned(dose.site)
        standing.require_treatment_consent()
        standing.require_current_eligible_screening(at, policy.screening_validity_days)
        formula = self._require_formulation(dose.formulation_version)
        self._require_no_allergen(formula, standing.allergies)
        self._require_unexpired(dose.lots, formula.lots, at.date())
        self._require_depth_in_range(dose)
        self._require_volume_within_limit(dose, policy.area_session_volume_limit_ml)
        self._require_session_in_plan(dose.session)
        self._require_supervision(dose, actor)
        self._injected(dose, actor, at)

    def assess_outcome(self, outcome: Outcome, actor: Actor, at: datetime) -> None:
        self._require_planned(outcome.site)
        self._require_session_within_plan(outcome.session)
        self._outcome_assessed(outcome, actor, at)

    def report_adverse_event(self, report: AdverseEventReport, actor: Actor,
                             at: datetime) -> None:
        self._require_onset_not_in_future(report, at)
        self._adverse_event_reported(report, actor, at)
        if report.serious and self.status == ACTIVE:
            self._suspended(f"serious adverse event ({report.kind}) reported", actor, at)

    def change_status(self, action: str, reason: str, actor: Actor, at: datetime) -> None:
        require_text("reason", reason, max_length=2000)
        apply_transition = getattr(self, self._require_transition(action))
        apply_transition(reason, actor, at)

    def void(self, entry_version: int, reason: str, actor: Actor, at: datetime) -> None:
        require_text("reason", reason, max_length=2000)
        self._require_voidable(entry_version)
        self._entry_voided(entry_version, reason, actor, at)

    # --- read ---------------------------------------------------------------------------

    @property
    def live_injections(self) -> list[InjectionRecord]:
        return [InjectionRecord(*row) for row in self.injections.values()]

    # The two below run on every injection: they unpack the stored rows in place rather
    # than make an InjectionRecord of each (a long course has hundreds).

    @property
    def sessions_done(self) -> int:
        return max((session for session, *_ in self.injections.values()), default=0)

    def volume_given(self, session: int, site: Site) -> Decimal:
        return sum((Decimal(volume) for given_in, area, side, volume, _ in self.injections.values()
                    if given_in == session and area == site.area and side == site.laterality),
                   Decimal(0))

    # --- evolve -------------------------------------------------------------------------

    @event(PlanAmended)
    def _plan_amended(self, plan: CoursePlan, reason: str, actor: Actor,
                      occurred_at: datetime) -> None:
        self.plan = plan

    @event(Formulated)
    def _formulated(self, formulation_version: int, formula: Formula, actor: Actor,
                    occurred_at: datetime) -> None:
        self.formulation_count = formulation_version
        self.formulas[str(formulation_version)] = formula
        self.live_entries[self._entry_being_applied] = f"formulation:{formulation_version}"

    @event(Injected)
    def _injected(self, dose: Dose, actor: Actor, occurred_at: datetime) -> None:
        self.injections[self._entry_being_applied] = InjectionRecord.of(dose)
        self.live_entries[self._entry_being_applied] = "injection"

    @event(OutcomeAssessed)
    def _outcome_assessed(self, outcome: Outcome, actor: Actor, occurred_at: datetime) -> None:
        self.live_entries[self._entry_being_applied] = "outcome"

    @event(AdverseEventReported)
    def _adverse_event_reported(self, report: AdverseEventReport, actor: Actor,
                                occurred_at: datetime) -> None:
        self.live_entries[self._entry_being_applied] = "adverse_event"

    @event(Suspended)
    def _suspended(self, reason: str, actor: Actor, occurred_at: datetime) -> None:
        self.status = SUSPENDED

    @event(Resumed)
    def _resumed(self, reason: str, actor: Actor, occurred_at: datetime) -> None:
        self.status = ACTIVE

    @event(Completed)
    def _completed(self, reason: str, actor: Actor, occurred_at: datetime) -> None:
        self.status = COMPLETED

    @event(Discontinued)
    def _discontinued(self, reason: str, actor: Actor, occurred_at: datetime) -> None:
        self.status = DISCONTINUED

    @event(EntryVoided)
    def _entry_voided(self, entry_version: int, reason: str, actor: Actor,
                      occurred_at: datetime) -> None:
        kind = self.live_entries.pop(str(entry_version))
        self.injections.pop(str(entry_version), None)
        if kind.startswith("formulation:"):
            del self.formulas[kind.removeprefix("formulation:")]
        self.voided.append(entry_version)

    @property
    def _entry_being_applied(self) -> str:
        """Inside an @event body: the version of the event being applied, as a key."""
        return str(self.version + 1)
