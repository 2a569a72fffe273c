"""The use cases of a patient's own record: registration, consents, screening, findings,
corrections, erasure. ClinicalRecords (domain/application.py) adds the courses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.persistence import RecordConflictError

from domain.clinical_time import require_plausible_birth
from domain.consent import Consent
from domain.erasure import PatientActivity, Retention, RetentionPeriodRunningError
from domain.errors import DuplicateMrnError, NotFoundError
from domain.mrn_index import MrnIndex
from domain.patient import Patient
from domain.personal_data import PersonalData, seal
from domain.record_keeping import Recorded, RecordKeeping, retried
from domain.screening import ScreeningAnswers
from domain.values import Actor, ClinicPolicy


@dataclass(frozen=True)
class ScreeningRecorded(Recorded):
    """A screening's write, with its result and the reasons for it."""

    result: str
    reasons: tuple[str, ...]


class PatientRecords(RecordKeeping):
    """The use cases of a patient's own record."""

    policy: ClinicPolicy
    activity: PatientActivity | None

    def register_patient(self, clinic: str, mrn: str, personal: PersonalData, actor: Actor,
                         occurred_at: datetime | None = None, *,
                         late_entry_reason: str | None = None) -> Recorded:
        """Register a person with the clinic; their personal data is sealed under a new key."""
        at, patient_id = self._when(occurred_at, late_entry_reason), uuid4()
        require_plausible_birth(personal.date_of_birth, self.clock().date())
        sealed = seal(self.vault.create_key(patient_id), patient_id, personal)
        patient = Patient.register(patient_id, clinic, mrn, sealed, actor, at)
        claims = MrnIndex.claims(clinic, patient.mrn, patient_id, actor)
        try:
            return self._save(patient, *claims, explained=late_entry_reason)
        except RecordConflictError:
            raise DuplicateMrnError(self._mrn_taken(clinic, patient.mrn)) from None

    @retried
    def amend_personal_data(self, patient_id: UUID, personal: PersonalData, reason: str,
                            actor: Actor, occurred_at: datetime | None = None,
                            expected_version: int | None = None, *,
                            late_entry_reason: str | None = None,
                            supersedes: int | None = None) -> Recorded:
        """Correct name, date of birth, sex or contact; the old values stay in history, and
        the amendment names the entry it supersedes."""
        require_plausible_birth(personal.date_of_birth, self.clock().date())
        sealed = seal(self.vault.key_for(patient_id), patient_id, personal)
        patient = self._current(Patient, patient_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        patient.amend_personal_data(sealed, reason, actor, at, supersedes)
        return self._save(patient, explained=late_entry_reason)

    @retried
    def give_consent(self, patient_id: UUID, consent: Consent, actor: Actor,
                     occurred_at: datetime | None = None,
                     expected_version: int | None = None, *,
                     late_entry_reason: str | None = None) -> Recorded:
        """Record a signed consent (treatment, photography or data sharing)."""
        patient = self._current(Patient, patient_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        patient.give_consent(consent, actor, at, self._unseal(patient).date_of_birth)
        return self._save(patient, explained=late_entry_reason)

    @retried
    def withdraw_consent(self, patient_id: UUID, scope: str, reason: str, actor: Actor,
                         occurred_at: datetime | None = None,
                         expected_version: int | None = None, *,
                         late_entry_reason: str | None = None) -> Recorded:
        """Record that the patient withdrew a consent."""
        patient = self._current(Patient, patient_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        patient.withdraw_consent(scope, reason, actor, at)
        return self._save(patient, explained=late_entry_reason)

    @retried
    def screen(self, patient_id: UUID, answers: ScreeningAnswers, actor: Actor,
               occurred_at: datetime | None = None,
               expected_version: int | None = None, *,
               late_entry_reason: str | None = None) -> ScreeningRecorded:
        """Screen the patient: age on the day, contraindications, eligibility and reasons."""
        at = self._when(occurred_at, late_entry_reason)
        patient = self._current(Patient, patient_id, expected_version)
        screening = patient.screen(answers, self._unseal(patient).date_of_birth, actor, at)
        saved = self._save(patient, explained=late_entry_reason)
        return ScreeningRecorded(saved.id, saved.version, saved.position, screening.result,
                                 screening.reasons)

    @retried
    def record_allergy(self, patient_id: UUID, substance: str, reaction: str, actor: Actor,
                       occurred_at: datetime | None = None,
                       expected_version: int | None = None, *,
                       late_entry_reason: str | None = None) -> Recorded:
        """Record an allergy found between screenings."""
        patient = self._current(Patient, patient_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        patient.record_allergy(substance, reaction, actor, at)
        return self._save(patient, explained=late_entry_reason)

    @retried
    def record_condition(self, patient_id: UUID, condition: str, note: str, actor: Actor,
                         occurred_at: datetime | None = None,
                         expected_version: int | None = None, *,
                         late_entry_reason: str | None = None) -> Recorded:
        """Record a condition found between screenings; treatment waits for a new screening."""
        patient = self._current(Patient, patient_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        patient.record_condition(condition, note, actor, at)
        return self._save(patient, explained=late_entry_reason)

    @retried
    def resolve_condition(self, patient_id: UUID, condition: str, reason: str, actor: Actor,
                          occurred_at: datetime | None = None,
                          expected_version: int | None = None, *,
                          late_entry_reason: str | None = None) -> Recorded:
        """Record that a condition has resolved."""
        patient = self._current(Patient, patient_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        patient.resolve_condition(condition, reason, actor, at)
        return self._save(patient, explained=late_entry_reason)

    @retried
    def void_patient_entry(self, patient_id: UUID, entry_version: int, reason: str,
                           actor: Actor, occurred_at: datetime | None = None,
                           expected_version: int | None = None, *,
                           late_entry_reason: str | None = None,
                           kind: str | None = None) -> Recorded:
        """Void a screening, allergy, condition, consent or personal-data amendment made in
        error (of the `kind` named, if one is); it stays in history and no rule reads it
        again. A nurse voids only her own, within a day."""
        patient = self._current(Patient, patient_id, expected_version)
        at = self._when(occurred_at, late_entry_reason)
        patient.void(entry_version, reason, actor, at, kind=kind,
                     made=self._made(patient, entry_version), now=self.clock())
        return self._save(patient, explained=late_entry_reason)

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


    def _mrn_taken(self, clinic: str, mrn: str) -> str:
        """The clash, naming the MRN already registered (as it was typed)."""
        for index_id in MrnIndex.ids_for(clinic, mrn):
            try:
                holder = self._get(Patient, self._get(MrnIndex, index_id).patient_id)
            except NotFoundError:
                continue
            return f"MRN {mrn} is taken in {clinic} by MRN {holder.mrn}"
        return f"MRN {mrn} is already registered in {clinic}"
