"""The Patient: one person in one clinic, their consents, screenings and findings."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import corrections, erasure, signatures
from domain.clinical_time import BeforeRegistrationError, require_not_before
from domain.consent import Consent, ConsentNotActiveError
from domain.copying import CopiedPerCommand
from domain.corrections import Voidable, require_supersedes
from domain.erasure import Erasable
from domain.errors import InvalidEntry, RuleViolation
from domain.patient_history import PatientEntryKind, PatientHistory, refuse_outdated_snapshot
from domain.personal_data import PersonalDataErasedError
from domain.screening import OverrideNeedsClinicianError, Screening, ScreeningAnswers, assess
from domain.signatures import Signable
from domain.values import Actor, age_on, require_member, require_name, require_text
from domain.vocabulary import CONSENT_SCOPES


class ConditionNotRecordedError(RuleViolation):
    """Only a condition that is recorded and unresolved can be resolved."""

    rule = "condition_not_recorded"


class Patient(PatientHistory, Voidable, Signable, Erasable, CopiedPerCommand, Aggregate):
    TOPIC = "mesoledger.Patient"
    class_version = 3  # 1 kept no clinical times, 2 no entry versions: rebuilt instead
    upcast_v1_v2 = staticmethod(refuse_outdated_snapshot)
    upcast_v2_v3 = staticmethod(refuse_outdated_snapshot)

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.Patient.Created"  # base of Registered, never recorded itself

    class Registered(Created):
        TOPIC = "mesoledger.Patient.Registered"
        clinic: str
        mrn: str
        sealed_personal_data: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class PersonalDataAmended(Aggregate.Event):
        TOPIC = "mesoledger.Patient.PersonalDataAmended"
        sealed_personal_data: str
        reason: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None
        supersedes: int | None = None  # the entry it replaces (None: recorded before)

    class ConsentGiven(Aggregate.Event):
        TOPIC = "mesoledger.Patient.ConsentGiven"
        consent: Consent
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class ConsentWithdrawn(Aggregate.Event):
        TOPIC = "mesoledger.Patient.ConsentWithdrawn"
        scope: str
        reason: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class Screened(Aggregate.Event):
        TOPIC = "mesoledger.Patient.Screened"
        screening: Screening
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class AllergyRecorded(Aggregate.Event):
        TOPIC = "mesoledger.Patient.AllergyRecorded"
        substance: str
        reaction: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class ConditionRecorded(Aggregate.Event):
        TOPIC = "mesoledger.Patient.ConditionRecorded"
        condition: str
        note: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class ConditionResolved(Aggregate.Event):
        TOPIC = "mesoledger.Patient.ConditionResolved"
        condition: str
        reason: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class ErasureRefused(erasure.ErasureRefused):
        TOPIC = "mesoledger.Patient.ErasureRefused"

    class PersonalDataErased(erasure.PersonalDataErased):
        TOPIC = "mesoledger.Patient.PersonalDataErased"

    class EntryVoided(corrections.EntryVoided):
        TOPIC = "mesoledger.Patient.EntryVoided"
        entry_kind: str
        reason: str
        actor: Actor
        occurred_at: datetime
        late_entry_reason: str | None = None

    class EntrySigned(signatures.EntrySigned):
        TOPIC = "mesoledger.Patient.EntrySigned"

    class EntrySignatureRevoked(signatures.EntrySignatureRevoked):
        TOPIC = "mesoledger.Patient.EntrySignatureRevoked"

    @event(Registered)
    def __init__(self, clinic: str, mrn: str, sealed_personal_data: str, actor: Actor,
                 occurred_at: datetime) -> None:
        self.clinic = clinic
        self.mrn = mrn
        self.consents: dict[str, Consent] = {}  # the last form signed, by scope
        self.erased = False
        self._note_registered(occurred_at, sealed_personal_data)

    @classmethod
    def register(cls, patient_id: UUID, clinic: str, mrn: str, sealed_personal_data: str,
                 actor: Actor, occurred_at: datetime) -> Patient:
        require_text("clinic", clinic, max_length=100)
        mrn = require_name("mrn", mrn, max_length=64)
        return cls._create(cls.Registered, id=patient_id, clinic=clinic, mrn=mrn,
                           sealed_personal_data=sealed_personal_data, actor=actor,
                           occurred_at=occurred_at)

    # --- decide -------------------------------------------------------------------------

    def amend_personal_data(self, sealed: str, reason: str, actor: Actor, at: datetime,
                            supersedes: int | None = None) -> None:
        """Replace the personal data in force (`supersedes` names it, if the caller does)."""
        require_text("reason", reason, max_length=2000)
        require_supersedes(supersedes, self.personal_data_entry, "personal data")
        self._require_registered_by(at)
        self._personal_data_amended(sealed, reason, actor, at, self.personal_data_entry)

    def give_consent(self, consent: Consent, actor: Actor, at: datetime,
                     born: date | None = None) -> None:
        self._require_registered_by(at)
        consent.require_signed_between(born, at)
        self._consent_given(consent, actor, at)

    def withdraw_consent(self, scope: str, reason: str, actor: Actor, at: datetime) -> None:
        require_member("scope", scope, CONSENT_SCOPES)
        require_text("reason", reason, max_length=2000)
        if scope not in self.standing().consented_scopes_at(at):
            raise ConsentNotActiveError(f"no {scope} consent active on {at.date()} to withdraw")
        self._require_registered_by(at)
        self._consent_withdrawn(scope, reason, actor, at)

    def screen(self, answers: ScreeningAnswers, date_of_birth: date, actor: Actor,
               at: datetime) -> Screening:
        if answers.override_justification and actor.role != "clinician":
            raise OverrideNeedsClinicianError(f"a {actor.role} cannot override")
        self._require_registered_by(at)
        screening = assess(answers, age_on(date_of_birth, at.date()))
        self._screened(screening, actor, at)
        return screening

    def record_allergy(self, substance: str, reaction: str, actor: Actor, at: datetime) -> None:
        require_text("substance", substance, max_length=200)
        require_text("reaction", reaction, max_length=2000)
        self._require_registered_by(at)
        self._allergy_recorded(require_name("substance", substance), reaction, actor, at)

    def record_condition(self, condition: str, note: str, actor: Actor, at: datetime) -> None:
        condition = require_name("condition", condition)
        self._require_registered_by(at)
        if not isinstance(note, str) or len(note) > 2000:
            raise InvalidEntry("note", "must be text of at most 2000 characters")
        self._condition_recorded(condition, note, actor, at)

    def resolve_condition(self, condition: str, reason: str, actor: Actor, at: datetime) -> None:
        require_text("reason", reason, max_length=2000)
        if condition not in self.unresolved_at(at):
            raise ConditionNotRecordedError(f"no condition {condition!r} unresolved then")
        self._require_registered_by(at)
        self._condition_resolved(condition, reason, actor, at)

    def _require_void_fits(self, version: int, kind: str, at: datetime) -> None:
        self._require_registered_by(at)
        if kind == PatientEntryKind.PERSONAL_DATA and self.erased:
            raise PersonalDataErasedError("the patient's personal data is erased")

    def _require_registered_by(self, at: datetime) -> None:
        require_not_before(at, self.registered_at, BeforeRegistrationError,
                           "the patient's registration")

    # --- evolve -------------------------------------------------------------------------

    @event(PersonalDataAmended)
    def _personal_data_amended(self, sealed_personal_data: str, reason: str, actor: Actor,
                               occurred_at: datetime, supersedes: int | None = None) -> None:
        self._note_personal_data(sealed_personal_data)

    @event(ConsentGiven)
    def _consent_given(self, consent: Consent, actor: Actor, occurred_at: datetime) -> None:
        self._note_consent(consent, consent.scope, occurred_at, active=True)

    @event(ConsentWithdrawn)
    def _consent_withdrawn(self, scope: str, reason: str, actor: Actor,
                           occurred_at: datetime) -> None:
        self._note_consent(None, scope, occurred_at, active=False)

    @event(Screened)
    def _screened(self, screening: Screening, actor: Actor, occurred_at: datetime) -> None:
        self._note_screening(screening, occurred_at)

    @event(AllergyRecorded)
    def _allergy_recorded(self, substance: str, reaction: str, actor: Actor,
                          occurred_at: datetime) -> None:
        self._note_allergy(substance, occurred_at)

    @event(ConditionRecorded)
    def _condition_recorded(self, condition: str, note: str, actor: Actor,
                            occurred_at: datetime) -> None:
        self._note_condition(condition, occurred_at, present=True)

    @event(ConditionResolved)
    def _condition_resolved(self, condition: str, reason: str, actor: Actor,
                            occurred_at: datetime) -> None:
        self._note_condition(condition, occurred_at, present=False)
