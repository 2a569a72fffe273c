"""ClinicalRecords: the clinic's use cases. Load, decide, save; return ids and positions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo
from eventsourcing.persistence import RecordConflictError

from domain.consent import Consent
from domain.course import TreatmentCourse
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.erasure import PatientActivity, Retention, RetentionPeriodRunningError
from domain.errors import DuplicateMrnError, NotFoundError
from domain.formulation import Formula
from domain.mrn_index import MrnIndex
from domain.patient import Patient
from domain.personal_data import KeyVault, PersonalData, seal
from domain.record_keeping import Recorded, RecordKeeping, retried
from domain.screening import ScreeningAnswers
from domain.values import Actor, ClinicPolicy


@dataclass(frozen=True)
class ScreeningRecorded(Recorded):
    """A screening's write, with its result and the reasons for it."""

    result: str
    reasons: tuple[str, ...]


class ClinicalRecords(RecordKeeping):
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

    # --- patients -----------------------------------------------------------------------

    def register_patient(self, clinic: str, mrn: str, personal: PersonalData, actor: Actor,
                         occurred_at: datetime | None = None) -> Recorded:
        """Register a person with the clinic; their personal data is sealed under a new key."""
        at, patient_id = self._clinical_time(occurred_at), uuid4()
        sealed = seal(self.vault.create_key(patient_id), patient_id, personal)
        patient = Patient.register(patient_id, clinic, mrn, sealed, actor, at)
        try:
            return self._save(patient, MrnIndex.claim(clinic, mrn, patient_id, actor))
        except RecordConflictError:
            raise DuplicateMrnError(f"MRN {mrn} is already registered in {clinic}") from None

    @retried
    def amend_personal_data(self, patient_id: UUID, personal: PersonalData, reason: str,
                            actor: Actor, occurred_at: datetime | None = None,
                            expected_version: int | None = None) -> Recorded:
        """Correct name, date of birth, sex or contact; the old values stay in history."""
        sealed = seal(self.vault.key_for(patient_id), patient_id, personal)
        patient = self._current(Patient, patient_id, expected_version)
        patient.amend_personal_data(sealed, reason, actor, self._clinical_time(occurred_at))
        return self._save(patient)

    @retried
    def give_consent(self, patient_id: UUID, consent: Consent, actor: Actor,
                     occurred_at: datetime | None = None,
                     expected_version: int | None = None) -> Recorded:
        """Record a signed consent (treatment, photography or data sharing)."""
        patient = self._current(Patient, patient_id, expected_version)
        patient.give_consent(consent, actor, self._clinical_time(occurred_at))
        return self._save(patient)

    @retried
    def withdraw_consent(self, patient_id: UUID, scope: str, reason: str, actor: Actor,
                         occurred_at: datetime | None = None,
                         expected_version: int | None = None) -> Recorded:
        """Record that the patient withdrew a consent."""
        patient = self._current(Patient, patient_id, expected_version)
        patient.withdraw_consent(scope, reason, actor, self._clinical_time(occurred_at))
        return self._save(patient)

    @retried
    def screen(self, patient_id: UUID, answers: ScreeningAnswers, actor: Actor,
               occurred_at: datetime | None = None,
               expected_version: int | None = None) -> ScreeningRecorded:
        """Screen the patient: age on the day, contraindications, eligibility and reasons."""
        at = self._clinical_time(occurred_at)
        patient = self._current(Patient, patient_id, expected_version)
        screening = patient.screen(answers, self._unseal(patient).date_of_birth, actor, at)
        saved = self._save(patient)
        return ScreeningRecorded(saved.id, saved.version, saved.position, screening.result,
                                 screening.reasons)

    @retried
    def record_allergy(self, patient_id: UUID, substance: str, reaction: str, actor: Actor,
                       occurred_at: datetime | None = None,
                       expected_version: int | None = None) -> Recorded:
        """Record an allergy found between screenings."""
        patient = self._current(Patient, patient_id, expected_version)
        patient.record_allergy(substance, reaction, actor, self._clinical_time(occurred_at))
        return self._save(patient)

    @retried
    def record_condition(self, patient_id: UUID, condition: str, note: str, actor: Actor,
                         occurred_at: datetime | None = None,
                         expected_version: int | None = None) -> Recorded:
        """Record a condition found between screenings; treatment waits for a new screening."""
        patient = self._current(Patient, patient_id, expected_version)
        patient.record_condition(condition, note, actor, self._clinical_time(occurred_at))
        return self._save(patient)

    @retried
    def resolve_condition(self, patient_id: UUID, condition: str, reason: str, actor: Actor,
                          occurred_at: datetime | None = None,
                          expected_version: int | None = None) -> Recorded:
        """Record that a condition has resolved."""
        patient = self._current(Patient, patient_id, expected_version)
        patient.resolve_condition(condition, reason, actor, self._clinical_time(occurred_at))
        return self._save(patient)

    @retried
    def request_erasure(self, patient_id: UUID, reason: str, actor: Actor,
                        expected_version: int | None = None) -> Recorded:
        """Erase the patient's personal data once the retention period after their last
        entry has run: the erasure is recorded, then their key destroyed. Before that, the
        refusal is recorded and RetentionPeriodRunningError raised."""
        assert self.activity is not None, "erasure needs to know the patient's last entry"
        last_entry_at = self.activity.last_entry_at(patient_id)
        patient = self._current(Patient, patient_id, expected_version)
        retention = Retention(self.policy.retention_years)
        kept_until = patient.request_erasure(reason, last_entry_at, retention, actor, self.clock())
        saved = self._save(patient)
        if kept_until is not None:
            raise RetentionPeriodRunningError(
                f"records are kept until {kept_until.date().isoformat()}; the refusal is"
                " recorded", saved.position)
        self.vault.destroy_key(patient_id)
        return saved

    # --- courses ------------------------------------------------------------------------

    @retried
    def plan_course(self, patient_id: UUID, plan: CoursePlan, actor: Actor,
                    occurred_at: datetime | None = None) -> Recorded:
        """Plan a course for one indication; needs a current eligible screening."""
        patient = self._current(Patient, patient_id, None)
        standing = patient.standing()
        course = TreatmentCourse.plan_for(uuid4(), patient_id, patient.clinic, plan, standing,
                                          self.policy, actor, self._clinical_time(occurred_at))
        return self._save(course, relying_on=standing)

    @retried
    def amend_plan(self, course_id: UUID, plan: CoursePlan, reason: str, actor: Actor,
                   occurred_at: datetime | None = None,
                   expected_version: int | None = None) -> Recorded:
        """Change the session count, interval or areas of a course, with a reason."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        course.amend_plan(plan, reason, actor, self._clinical_time(occurred_at))
        return self._save(course)

    @retried
    def formulate(self, course_id: UUID, formula: Formula, actor: Actor,
                  occurred_at: datetime | None = None,
                  expected_version: int | None = None) -> Recorded:
        """Record the next version of the course's mix."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        standing = self._standing_of(course.patient_id)
        course.formulate(formula, standing, actor, self._clinical_time(occurred_at))
        return self._save(course, relying_on=standing)

    @retried
    def inject(self, course_id: UUID, dose: Dose, actor: Actor,
               occurred_at: datetime | None = None,
               expected_version: int | None = None) -> Recorded:
        """Record one injection into one area during a session."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        standing = self._standing_of(course.patient_id)
        course.inject(dose, standing, self.policy, actor, self._clinical_time(occurred_at))
        return self._save(course, relying_on=standing)

    @retried
    def assess_outcome(self, course_id: UUID, outcome: Outcome, actor: Actor,
                       occurred_at: datetime | None = None,
                       expected_version: int | None = None) -> Recorded:
        """Record a baseline or follow-up score for a treated area."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        course.assess_outcome(outcome, actor, self._clinical_time(occurred_at))
        return self._save(course)

    @retried
    def report_adverse_event(self, course_id: UUID, report: AdverseEventReport, actor: Actor,
                             occurred_at: datetime | None = None,
                             expected_version: int | None = None) -> Recorded:
        """Record an adverse event; a serious one suspends the course."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        course.report_adverse_event(report, actor, self._clinical_time(occurred_at))
        return self._save(course)

    @retried
    def change_course_status(self, course_id: UUID, action: str, reason: str, actor: Actor,
                             occurred_at: datetime | None = None,
                             expected_version: int | None = None) -> Recorded:
        """Suspend, resume, complete or discontinue a course, with a reason."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        course.change_status(action, reason, actor, self._clinical_time(occurred_at))
        return self._save(course)

    @retried
    def void_entry(self, course_id: UUID, entry_version: int, reason: str, actor: Actor,
                   occurred_at: datetime | None = None,
                   expected_version: int | None = None) -> Recorded:
        """Void an entry made in error; it stays in history and leaves the progress views."""
        course = self._current(TreatmentCourse, course_id, expected_version)
        course.void(entry_version, reason, actor, self._clinical_time(occurred_at))
        return self._save(course)

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
        return self._get(MrnIndex, MrnIndex.id_for(clinic, mrn)).patient_id
