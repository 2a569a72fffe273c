"""ClinicalRecords: the clinic's use cases. Load, decide, save; return ids and positions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo

from domain.course import TreatmentCourse
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.erasure import PatientActivity
from domain.errors import NotFoundError
from domain.formulation import Formula
from domain.lot_recalls import LotRecalls
from domain.mrn_index import MrnIndex
from domain.patient import Patient
from domain.patient_records import PatientRecords
from domain.personal_data import KeyVault, PersonalData
from domain.protocol import Component, Protocol, ProtocolNotInClinicError
from domain.record_keeping import Recorded, retried
from domain.signature_records import SignatureRecords
from domain.staff_records import StaffRecords
from domain.values import Actor, ClinicPolicy


@dataclass(frozen=True)
class ScreeningRecorded(Recorded):
    """A screening's write, with its result and the reasons for it."""

    result: str
    reasons: tuple[str, ...]


class ClinicalRecords(SignatureRecords, StaffRecords, LotRecalls, PatientRecords):
    """Every use case of the clinic, on one append-only log."""

    name = "ClinicalRecords"
    snapshotting_intervals = {Patient: 50, TreatmentCourse: 50}

    def __init__(self, env: dict[str, str] | None = None, *, vault: KeyVault,
                 policy: ClinicPolicy | None = None, snapshot_interval: int = 50,
                 clock: Callable[[], datetime] = datetime_now_with_tzinfo,
                 activity: PatientActivity | None = None) -> None:
        super().__init__(env)
        self.snapshotting_intervals = dict.fromkeys(self.snapshotting_intervals, snapshot_interval)
        self.vault = vault
        self.policy = policy or ClinicPolicy()
        self.clock = clock
        self.activity = activity  # when a patient's records last changed, for erasure

    # --- courses ------------------------------------------------------------------------

    @retried
    def plan_course(self, patient_id: UUID, plan: CoursePlan, actor: Actor,
                    occurred_at: datetime | None = None, *,
                    late_entry_reason: str | None = None) -> Recorded:
        """Plan a course for one indication; needs a current eligible screening."""
        patient = self._current(Patient, patient_id, None)
        standing = patient.standing()
        at = self._when(occurred_at, late_entry_reason)
        course = TreatmentCourse.plan_for(uuid4(), patient_id, patient.clinic, plan, standing,
                                          self.policy, actor, at)
        return self._save(course, relying_on=standing, explained=late_entry_reason)

    @retried
    def amend_plan(self, course_id: UUID, plan: CoursePlan, reason: str, actor: Actor,
                   occurred_at: datetime | None = None,
                   expected_version: int | None = None, *,
                   late_entry_reason: str | None = None,
                   supersedes: int | None = None) -> Recorded:
        """Change the session count, interval or areas of a course, with a reason; the
        amendment names the plan entry it supersedes."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        course.amend_plan(plan, reason, actor, at, supersedes)
        return self._save(course, explained=late_entry_reason)

    @retried
    def formulate(self, course_id: UUID, formula: Formula, actor: Actor,
                  occurred_at: datetime | None = None,
                  expected_version: int | None = None, *,
                  late_entry_reason: str | None = None) -> Recorded:
        """Record the next version of the course's mix."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        standing = self._standing_of(course.patient_id)
        at = self._when(occurred_at, late_entry_reason)
        if formula.protocol_id is not None:
            self._protocol(formula.protocol_id, course.clinic).require_followed_by(
                formula, course.clinic)
        recalls = self.recalls_in_force(course.clinic, formula.product_lots)
        course.formulate(formula, standing, actor, at, recalls)
        return self._save(course, relying_on=standing, explained=late_entry_reason,
                          recalls=recalls)

    @retried
    def inject(self, course_id: UUID, dose: Dose, actor: Actor,
               occurred_at: datetime | None = None,
               expected_version: int | None = None, *,
               late_entry_reason: str | None = None) -> Recorded:
        """Record one injection into one area during a session."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        standing = self._standing_of(course.patient_id)
        at = self._when(occurred_at, late_entry_reason)
        if actor.role == "nurse" and dose.supervisor is not None:
            self._require_supervising_clinician(dose.supervisor, course.clinic)
        recalls = self.recalls_in_force(course.clinic, course.lots_of(dose))
        course.inject(dose, standing, self.policy, actor, at, recalls)
        return self._save(course, relying_on=standing, explained=late_entry_reason,
                          recalls=recalls)

    @retried
    def assess_outcome(self, course_id: UUID, outcome: Outcome, actor: Actor,
                       occurred_at: datetime | None = None,
                       expected_version: int | None = None, *,
                       late_entry_reason: str | None = None) -> Recorded:
        """Record a baseline or follow-up score for a treated area."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        course.assess_outcome(outcome, actor, at)
        return self._save(course, explained=late_entry_reason)

    @retried
    def report_adverse_event(self, course_id: UUID, report: AdverseEventReport, actor: Actor,
                             occurred_at: datetime | None = None,
                             expected_version: int | None = None, *,
                             late_entry_reason: str | None = None) -> Recorded:
        """Record an adverse event; a serious one suspends the course."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        course.report_adverse_event(report, actor, at)
        return self._save(course, explained=late_entry_reason)

    @retried
    def change_course_status(self, course_id: UUID, action: str, reason: str, actor: Actor,
                             occurred_at: datetime | None = None,
                             expected_version: int | None = None, *,
                             late_entry_reason: str | None = None) -> Recorded:
        """Suspend, resume, complete or discontinue a course, with a reason."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        course.change_status(action, reason, actor, at)
        return self._save(course, explained=late_entry_reason)

    @retried
    def void_entry(self, course_id: UUID, entry_version: int, reason: str, actor: Actor,
                   occurred_at: datetime | None = None,
                   expected_version: int | None = None, *,
                   late_entry_reason: str | None = None,
                   kind: str | None = None) -> Recorded:
        """Void an entry made in error (of the `kind` named, if one is); it stays in history
        and leaves the progress views. A nurse voids only her own, within a day."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        course.void(entry_version, reason, actor, at, kind=kind,
                    made=self._made(course, entry_version), now=self.clock())
        return self._save(course, explained=late_entry_reason)

    # --- protocols ----------------------------------------------------------------------

    def define_protocol(self, clinic: str, name: str, components: tuple[Component, ...],
                        actor: Actor) -> Recorded:
        """Name a formulation template of the clinic, so mixes made from it compare."""
        protocol = Protocol.define(uuid4(), clinic, name, components, actor, self.clock())
        return self._save(protocol)

    def _protocol(self, protocol_id: UUID, clinic: str) -> Protocol:
        try:
            return self._get(Protocol, protocol_id)
        except NotFoundError:
            raise ProtocolNotInClinicError(f"no protocol {protocol_id} in {clinic}") from None

    # --- reads --------------------------------------------------------------------------

    def patient(self, patient_id: UUID, as_of: datetime | None = None) -> Patient:
        """The patient's record now, or as it stood at a past instant (server time)."""
        return self._get(Patient, patient_id, as_of)

    def course(self, course_id: UUID, as_of: datetime | None = None) -> TreatmentCourse:
        """The course now, or as it stood at a past instant (server time)."""
        return self._get(TreatmentCourse, course_id, as_of)

    def entry(self, record_id: UUID, version: int) -> Aggregate.Event:
        """One entry of a patient's or course's record, by its version."""
        for event in self.events.get(record_id, gt=version - 1, lte=version):
            return event
        raise NotFoundError(f"no entry {version} in record {record_id}")

    def personal_data(self, patient_id: UUID, as_of: datetime | None = None) -> PersonalData:
        """Unseal the patient's personal data, now or as it stood at a past instant
        (PersonalDataErasedError once erased)."""
        return self._unseal(self._get(Patient, patient_id, as_of))

    def patient_by_mrn(self, clinic: str, mrn: str) -> UUID:
        """The patient registered under this MRN (compared normalised, or as typed before)."""
        for index_id in (MrnIndex.id_for(clinic, mrn), MrnIndex.id_as_typed(clinic, mrn)):
            try:
                return self._get(MrnIndex, index_id).patient_id
            except NotFoundError:
                continue
        raise NotFoundError(f"no MRN {mrn} in {clinic}")
