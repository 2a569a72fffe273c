"""ClinicalRecords: the clinic's use cases. Load, decide, save; return ids and positions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
    project_aggregate,
)
from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo
from eventsourcing.persistence import JSONTranscoder, RecordConflictError

from domain.course import TreatmentCourse
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.erasure import Retention, RetentionPeriodRunningError
from domain.errors import (
    DuplicateMrnError,
    NotFoundError,
    RecordBusyError,
    RecordChangedError,
    RuleViolation,
    StaleVersionError,
)
from domain.formulation import Formula
from domain.mrn_index import MrnIndex
from domain.patient import Consent, Patient, PatientStanding
from domain.personal_data import (
    KeyVault,
    PersonalData,
    seal,
    unseal,
)
from domain.screening import Screening, ScreeningAnswers
from domain.transcodings import RecordTranscoder, register_transcodings
from domain.values import Actor, ClinicPolicy, clinical_time

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Recorded:
    """What a write returns: the record's id, its new version and the log position."""

    id: UUID
    version: int
    position: int


@dataclass(frozen=True)
class Owned:
    """A patient's or course's record and whose it is: the patient it belongs to and their
    clinic. Set when the record is created and never changed, so it is safe to remember."""

    id: UUID
    patient_id: UUID
    clinic: str


@dataclass(frozen=True)
class ScreeningRecorded(Recorded):
    result: str
    reasons: tuple[str, ...]


class ClinicalRecords(Application):
    """Every use case of the clinic, on one append-only log."""

    name = "ClinicalRecords"
    snapshotting_intervals = {Patient: 50, TreatmentCourse: 50}
    attempts_on_conflict = 5
    owners_remembered = 100_000  # about 30 MB at most
    standings_remembered = 10_000  # the patients being treated now; a few MB

    def __init__(self, env: dict[str, str] | None = None, *, vault: KeyVault,
                 policy: ClinicPolicy | None = None, snapshot_interval: int = 50,
                 clock: Callable[[], datetime] = datetime_now_with_tzinfo) -> None:
        super().__init__(env)
        self.snapshotting_intervals = dict.fromkeys(self.snapshotting_intervals,
                                                    snapshot_interval)
        self.vault = vault
        self.policy = policy or ClinicPolicy()
        self.clock = clock
        self._owners: LRUCache[UUID, tuple[type, Owned]] = LRUCache(self.owners_remembered)
        self._standings: LRUCache[UUID, tuple[int, PatientStanding]] = LRUCache(
            self.standings_remembered)

    def construct_transcoder(self) -> JSONTranscoder:
        transcoder = RecordTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    # --- patients -----------------------------------------------------------------------

    def register_patient(self, clinic: str, mrn: str, personal: PersonalData, actor: Actor,
                         occurred_at: datetime | None = None) -> Recorded:
        """Register a person with the clinic; their personal data is sealed under a new key."""
        at = self._clinical_time(occurred_at)
        patient_id = uuid4()
        sealed = seal(self.vault.create_key(patient_id), patient_id, personal)
        patient = Patient.register(patient_id, clinic, mrn, sealed, actor, at)
        try:
            return self._save(patient, MrnIndex.claim(clinic, mrn, patient_id, actor))
        except RecordConflictError:
            raise DuplicateMrnError(f"MRN {mrn} is already registered in {clinic}") from None

    def amend_personal_data(self, patient_id: UUID, personal: PersonalData, reason: str,
                            actor: Actor, occurred_at: datetime | None = None,
                            expected_version: int | None = None) -> Recorded:
        """Correct name, date of birth, sex or contact; the old values stay in history."""
        at = self._clinical_time(occurred_at)
        sealed = seal(self.vault.key_for(patient_id), patient_id, personal)
        return self._update(Patient, patient_id, expected_version,
                            lambda p: p.amend_personal_data(sealed, reason, actor, at))

    def give_consent(self, patient_id: UUID, consent: Consent, actor: Actor,
                     occurred_at: datetime | None = None,
                     expected_version: int | None = None) -> Recorded:
        """Record a signed consent (treatment, photography or data sharing)."""
        at = self._clinical_time(occurred_at)
        return self._update(Patient, patient_id, expected_version,
                            lambda p: p.give_consent(consent, actor, at))

    def withdraw_consent(self, patient_id: UUID, scope: str, reason: str, actor: Actor,
                         occurred_at: datetime | None = None,
                         expected_version: int | None = None) -> Recorded:
        """Record that the patient withdrew a consent."""
        at = self._clinical_time(occurred_at)
        return self._update(Patient, patient_id, expected_version,
                            lambda p: p.withdraw_consent(scope, reason, actor, at))

    def screen(self, patient_id: UUID, answers: ScreeningAnswers, actor: Actor,
               occurred_at: datetime | None = None,
               expected_version: int | None = None) -> ScreeningRecorded:
        """Screen the patient: age on the day, contraindications, eligibility and reasons."""
        at = self._clinical_time(occurred_at)
        outcome: list[Screening] = []

        def decide(patient: Patient) -> None:
            birth = self._unseal(patient).date_of_birth
            outcome.append(patient.screen(answers, birth, actor, at))

        recorded = self._update(Patient, patient_id, expected_version, decide)
        screening = outcome[-1]
        return ScreeningRecorded(recorded.id, recorded.version, recorded.position,
                                 screening.result, screening.reasons)

    def record_allergy(self, patient_id: UUID, substance: str, reaction: str, actor: Actor,
                       occurred_at: datetime | None = None,
                       expected_version: int | None = None) -> Recorded:
        """Record an allergy found between screenings."""
        at = self._clinical_time(occurred_at)
        return self._update(Patient, patient_id, expected_version,
                            lambda p: p.record_allergy(substance, reaction, actor, at))

    def record_condition(self, patient_id: UUID, condition: str, note: str, actor: Actor,
                         occurred_at: datetime | None = None,
                         expected_version: int | None = None) -> Recorded:
        """Record a condition found between screenings; treatment waits for a new screening."""
        at = self._clinical_time(occurred_at)
        return self._update(Patient, patient_id, expected_version,
                            lambda p: p.record_condition(condition, note, actor, at))

    def resolve_condition(self, patient_id: UUID, condition: str, reason: str, actor: Actor,
                          occurred_at: datetime | None = None,
                          expected_version: int | None = None) -> Recorded:
        """Record that a condition has resolved."""
        at = self._clinical_time(occurred_at)
        return self._update(Patient, patient_id, expected_version,
                            lambda p: p.resolve_condition(condition, reason, actor, at))

    def request_erasure(self, patient_id: UUID, reason: str, last_entry_at: datetime,
                        actor: Actor, expected_version: int | None = None) -> Recorded:
        """Erase the patient's personal data once the retention period after their last
        entry has run: the erasure is recorded, then their key destroyed. Before that, the
        refusal is recorded and RetentionPeriodRunningError raised."""
        at = self.clock()
        retention = Retention(self.policy.retention_years)
        outcome: list[datetime | None] = []
        recorded = self._update(Patient, patient_id, expected_version, lambda p: outcome.append(
            p.request_erasure(reason, last_entry_at, retention, actor, at)))
        if outcome[-1] is not None:
            raise RetentionPeriodRunningError(
                f"records are kept until {outcome[-1].date().isoformat()}; the refusal is"
                " recorded", recorded.position)
        self.vault.destroy_key(patient_id)
        return recorded

    # --- courses ------------------------------------------------------------------------

    def plan_course(self, patient_id: UUID, plan: CoursePlan, actor: Actor,
                    occurred_at: datetime | None = None) -> Recorded:
        """Plan a course for one indication; needs a current eligible screening. Saved only
        while the patient's record is as it was read (see _update_on_standing)."""
        at = self._clinical_time(occurred_at)

        def attempt() -> Recorded:
            patient = self._get(Patient, patient_id)
            course = TreatmentCourse.plan_for(uuid4(), patient_id, patient.clinic, plan,
                                              patient.standing(), self.policy, actor, at)
            return self._save(course, unchanged={patient.id: patient.version})

        return self._retried(patient_id, None, attempt)

    def amend_plan(self, course_id: UUID, plan: CoursePlan, reason: str, actor: Actor,
                   occurred_at: datetime | None = None,
                   expected_version: int | None = None) -> Recorded:
        """Change the session count, interval or areas of a course, with a reason."""
        at = self._clinical_time(occurred_at)
        return self._update(TreatmentCourse, course_id, expected_version,
                            lambda c: c.amend_plan(plan, reason, actor, at))

    def formulate(self, course_id: UUID, formula: Formula, actor: Actor,
                  occurred_at: datetime | None = None,
                  expected_version: int | None = None) -> Recorded:
        """Record the next version of the course's mix."""
        at = self._clinical_time(occurred_at)
        return self._update_on_standing(
            course_id, expected_version,
            lambda c, standing: c.formulate(formula, standing, actor, at))

    def inject(self, course_id: UUID, dose: Dose, actor: Actor,
               occurred_at: datetime | None = None,
               expected_version: int | None = None) -> Recorded:
        """Record one injection into one area during a session."""
        at = self._clinical_time(occurred_at)
        return self._update_on_standing(
            course_id, expected_version,
            lambda c, standing: c.inject(dose, standing, self.policy, actor, at))

    def assess_outcome(self, course_id: UUID, outcome: Outcome, actor: Actor,
                       occurred_at: datetime | None = None,
                       expected_version: int | None = None) -> Recorded:
        """Record a baseline or follow-up score for a treated area."""
        at = self._clinical_time(occurred_at)
        return self._update(TreatmentCourse, course_id, expected_version,
                            lambda c: c.assess_outcome(outcome, actor, at))

    def report_adverse_event(self, course_id: UUID, report: AdverseEventReport, actor: Actor,
                             occurred_at: datetime | None = None,
                             expected_version: int | None = None) -> Recorded:
        """Record an adverse event; a serious one suspends the course."""
        at = self._clinical_time(occurred_at)
        return self._update(TreatmentCourse, course_id, expected_version,
                            lambda c: c.report_adverse_event(report, actor, at))

    def change_course_status(self, course_id: UUID, action: str, reason: str, actor: Actor,
                             occurred_at: datetime | None = None,
                             expected_version: int | None = None) -> Recorded:
        """Suspend, resume, complete or discontinue a course, with a reason."""
        at = self._clinical_time(occurred_at)
        return self._update(TreatmentCourse, course_id, expected_version,
                            lambda c: c.change_status(action, reason, actor, at))

    def void_entry(self, course_id: UUID, entry_version: int, reason: str, actor: Actor,
                   occurred_at: datetime | None = None,
                   expected_version: int | None = None) -> Recorded:
        """Void an entry made in error; it stays in history and leaves the progress views."""
        at = self._clinical_time(occurred_at)
        return self._update(TreatmentCourse, course_id, expected_version,
                            lambda c: c.void(entry_version, reason, actor, at))

    # --- reads --------------------------------------------------------------------------

    def patient(self, patient_id: UUID, as_of: datetime | None = None) -> Patient:
        """The patient's record now, or as it stood at a past instant (server time)."""
        return self._get(Patient, patient_id, as_of)

    def course(self, course_id: UUID, as_of: datetime | None = None) -> TreatmentCourse:
        """The course now, or as it stood at a past instant (server time)."""
        return self._get(TreatmentCourse, course_id, as_of)

    def owned(self, kind: type[Patient | TreatmentCourse], record_id: UUID) -> Owned:
        """Whose patient or course this is: read once, then remembered (NotFoundError for an
        unknown id or a record of another kind)."""
        owned = self.known_owner(kind, record_id)
        if owned is None:
            record = self._get(kind, record_id)
            owned = Owned(record_id, getattr(record, "patient_id", record_id), record.clinic)
            self._owners.put(record_id, (kind, owned))
        return owned

    def known_owner(self, kind: type[Patient | TreatmentCourse],
                    record_id: UUID) -> Owned | None:
        """Whose record this is if already remembered (None: not yet read), without I/O."""
        try:
            found_kind, owned = self._owners.get(record_id)
        except KeyError:
            return None
        if found_kind is not kind:
            raise NotFoundError(f"no {kind.__name__} {record_id}")
        return owned

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

    def close(self) -> None:
        super().close()
        self.vault.close()

    # --- load, decide, save -------------------------------------------------------------

    def _update(self, kind: type[A], aggregate_id: UUID, expected_version: int | None,
                decide: Callable[[A], Any]) -> Recorded:
        """Decide on fresh state and save; on a conflicting save, again (bounded)."""
        def attempt() -> Recorded:
            record = self._current(kind, aggregate_id, expected_version)
            decide(record)
            return self._save(record)

        return self._retried(aggregate_id, expected_version, attempt)

    def _update_on_standing(self, course_id: UUID, expected_version: int | None,
                            decide: Callable[[TreatmentCourse, PatientStanding], Any]
                            ) -> Recorded:
        """A course entry decided on the patient's standing (consents, screening,
        conditions, allergies), saved only while the patient's record is as it was read: a
        consent withdrawn or a condition recorded meanwhile has it decided again. The first
        attempt takes the standing this process last read, which saves reading the patient
        on every entry; a refusal is only ever decided on the patient as stored now."""
        attempts = 0

        def attempt() -> Recorded:
            nonlocal attempts
            course = self._current(TreatmentCourse, course_id, expected_version)
            fresh, attempts = attempts > 0, attempts + 1
            version, standing = self._standing(course.patient_id, fresh)
            try:
                decide(course, standing)
            except RuleViolation:
                if fresh:
                    raise
                raise RecordChangedError("decided again on the patient as stored") from None
            return self._save(course, unchanged={course.patient_id: version})

        return self._retried(course_id, expected_version, attempt)

    def _standing(self, patient_id: UUID, fresh: bool) -> tuple[int, PatientStanding]:
        """The patient's standing and the version it is of: as this process last read it
        (the save's check catches a change made since), or `fresh` from the store."""
        if not fresh:
            try:
                return self._standings.get(patient_id)
            except KeyError:
                pass
        patient = self._get(Patient, patient_id)
        self._standings.put(patient_id, (patient.version, patient.standing()))
        return patient.version, patient.standing()

    def _retried(self, record_id: UUID, expected_version: int | None,
                 attempt: Callable[[], Recorded]) -> Recorded:
        """Read, decide and save again while the save meets a change (bounded); with an
        expected version, a change to the record itself is the caller's to resolve."""
        for _ in range(self.attempts_on_conflict):
            try:
                return attempt()
            except RecordChangedError:
                continue
            except RecordConflictError:
                if expected_version is not None:
                    raise StaleVersionError(expected_version, expected_version + 1) from None
        raise RecordBusyError(
            f"{record_id} kept changing over {self.attempts_on_conflict} attempts")

    def _current(self, kind: type[A], aggregate_id: UUID, expected_version: int | None) -> A:
        """The record as stored now, if at the expected version (when one is given)."""
        record = self._get(kind, aggregate_id)
        if expected_version is not None and record.version != expected_version:
            raise StaleVersionError(expected_version, record.version)
        return record

    def _save(self, *aggregates: Aggregate, unchanged: dict[UUID, int] | None = None
              ) -> Recorded:
        """Save the aggregates' new events in one transaction; with `unchanged` (record id →
        version; none of those saved here), only if those records are still at those
        versions (else RecordChangedError, and nothing is saved)."""
        recordings = self.save(*aggregates, unchanged=unchanged or {})
        last = recordings[-1] if recordings else None
        first = aggregates[0]
        return Recorded(first.id, first.version, last.notification.id if last else 0)

    def _take_snapshots(self, processing_event: ProcessingEvent) -> None:
        """A snapshot due at a record's new version is taken from the record just saved;
        the library would read the record back from the store to take it. (One due at an
        earlier version, when a save holds several entries, is still read back.)"""
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval is None or event.originator_version % interval:
                continue
            if aggregate.version == event.originator_version:
                self.snapshots.put([type(aggregate).Snapshot.take(aggregate)])
            else:
                self.take_snapshot(aggregate.id, event.originator_version)

    def _get(self, kind: type[A], aggregate_id: UUID, as_of: datetime | None = None) -> A:
        try:
            if as_of is None:
                aggregate = self.repository.get(aggregate_id)
            else:
                events = (e for e in self.events.get(aggregate_id) if e.timestamp <= as_of)
                aggregate = project_aggregate(None, events)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}")
        return aggregate

    def _unseal(self, patient: Patient) -> PersonalData:
        return unseal(self.vault.key_for(patient.id), patient.id, patient.sealed_personal_data)

    def _clinical_time(self, occurred_at: datetime | None) -> datetime:
        return clinical_time(occurred_at, self.clock())
