"""What a Patient remembers of its consents, screenings, allergies and conditions: each
dated by its clinical time, so its standing can be asked as of any instant (DESIGN §1.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.consent import Consent
from domain.screening import Screening
from domain.standing import (
    ConditionChange,
    ConsentChange,
    DatedScreening,
    KnownAllergy,
    PatientStanding,
    latest_of,
)
from domain.substances import words


class OutdatedSnapshotError(Exception):
    """A snapshot written before records kept their clinical times: it cannot say when
    things happened, so the record is rebuilt from its events instead."""


def refuse_outdated_snapshot(state: dict[str, Any]) -> None:
    raise OutdatedSnapshotError("a snapshot without clinical times")


def substance_key(substance: str) -> str:
    """An allergy's substance as the patient's record keeps it: its words, in any case."""
    return " ".join(words(substance))


class PatientEntryKind(StrEnum):
    """What a patient-level entry records; each can be voided by its version."""

    SCREENING = "screening"
    ALLERGY = "allergy"
    CONDITION = "condition"
    CONDITION_RESOLUTION = "condition_resolution"
    CONSENT = "consent"
    CONSENT_WITHDRAWAL = "consent_withdrawal"
    PERSONAL_DATA = "personal_data"


@dataclass(frozen=True)
class SealedVersion:
    """The patient's personal data as one entry (registration or amendment) sealed it."""

    version: int
    sealed: str


class PatientHistory:
    """Mixed into Patient: the dated history (assigned only from its @event bodies) and the
    standing read from it. A voided entry leaves the history the rules read (its version is
    kept in `voided`; the entry itself stays in the record's events)."""

    id: UUID
    version: int
    registered_at: datetime
    consents: dict[str, Consent]
    consent_changes: list[ConsentChange]
    screenings: list[DatedScreening]
    known_allergies: list[KnownAllergy]
    condition_changes: list[ConditionChange]
    personal_data_entries: list[SealedVersion]
    sealed_personal_data: str

    def standing(self) -> PatientStanding:
        """What a course needs to know about this patient, as of this version: the dated
        history, which each rule asks as of the entry's clinical time."""
        return PatientStanding(self.id, self.version, self.registered_at,
                               tuple(self.consent_changes), tuple(self.screenings),
                               tuple(self.known_allergies), tuple(self.condition_changes))

    @property
    def screening(self) -> Screening | None:
        """The latest screening (by clinical time)."""
        latest = latest_of(self.screenings)
        return latest and latest.screening

    @property
    def screened_at(self) -> datetime | None:
        latest = latest_of(self.screenings)
        return latest and latest.at

    @property
    def allergies(self) -> list[str]:
        return list(dict.fromkeys(a.substance for a in self.known_allergies))

    @property
    def conditions(self) -> list[str]:
        """The conditions unresolved now (as of the latest clinical time on record)."""
        return self.unresolved_at(None)

    @property
    def active_consents(self) -> list[Consent]:
        """The forms of the consents active now (as of the latest clinical time on record)."""
        latest = max((c.at for c in self.consent_changes), default=self.registered_at)
        active = self.standing().consented_scopes_at(latest)
        return [consent for scope, consent in self.consents.items() if scope in active]

    def unresolved_at(self, at: datetime | None) -> list[str]:
        """The conditions recorded and not resolved by then (None: by the latest)."""
        last: dict[str, bool] = {}
        for change in sorted(self.condition_changes, key=lambda c: c.at):
            if at is None or change.at <= at:
                last[change.condition] = change.present
        return [name for name, present in last.items() if present]

    def live_kind(self, version: int) -> str | None:
        """The kind of the live patient-level entry of that version, if it can be voided
        (the registration cannot: amend it)."""
        kinds = [(PatientEntryKind.SCREENING, (s.version for s in self.screenings)),
                 (PatientEntryKind.ALLERGY, (a.version for a in self.known_allergies)),
                 (PatientEntryKind.CONSENT,
                  (c.version for c in self.consent_changes if c.active)),
                 (PatientEntryKind.CONSENT_WITHDRAWAL,
                  (c.version for c in self.consent_changes if not c.active)),
                 (PatientEntryKind.CONDITION,
                  (c.version for c in self.condition_changes if c.present)),
                 (PatientEntryKind.CONDITION_RESOLUTION,
                  (c.version for c in self.condition_changes if not c.present)),
                 (PatientEntryKind.PERSONAL_DATA,
                  (p.version for p in self.personal_data_entries[1:]))]
        return next((kind.value for kind, versions in kinds if version in versions), None)

    @property
    def personal_data_entry(self) -> int:
        """The version of the entry whose personal data is in force."""
        return self.personal_data_entries[-1].version

    # --- assigned from the Patient's @event bodies ---------------------------------------

    def _note_registered(self, at: datetime, sealed: str) -> None:
        self.registered_at = at
        self.consent_changes, self.screenings = [], []
        self.known_allergies, self.condition_changes = [], []
        self.personal_data_entries = [SealedVersion(1, sealed)]  # registration is version 1
        self.sealed_personal_data, self.voided = sealed, []

    def _note_personal_data(self, sealed: str) -> None:
        self.personal_data_entries.append(SealedVersion(self.version + 1, sealed))
        self.sealed_personal_data = sealed

    def _note_consent(self, consent: Consent | None, scope: str, at: datetime,
                      active: bool) -> None:
        self.consent_changes.append(ConsentChange(scope, at, active, self.version + 1, consent))
        if consent is not None:
            self.consents[scope] = consent

    def _note_screening(self, screening: Screening, at: datetime) -> None:
        self.screenings.append(DatedScreening(at, screening, self.version + 1))
        for substance in screening.answers.allergies:
            self._note_allergy(substance, at)

    def _note_allergy(self, substance: str, at: datetime) -> None:
        self.known_allergies.append(KnownAllergy(substance_key(substance), at, self.version + 1))

    def _note_voided(self, version: int) -> None:
        """The entry leaves the history the rules read: a voided screening takes the
        allergies answered at it along; a voided amendment puts the data before it back."""
        self.voided.append(version)
        self.screenings = [s for s in self.screenings if s.version != version]
        self.known_allergies = [a for a in self.known_allergies if a.version != version]
        self.condition_changes = [c for c in self.condition_changes if c.version != version]
        self.consent_changes = [c for c in self.consent_changes if c.version != version]
        self.consents = {c.scope: c.form for c in self.consent_changes if c.form is not None}
        self.personal_data_entries = [
            p for p in self.personal_data_entries if p.version != version]
        self.sealed_personal_data = self.personal_data_entries[-1].sealed

    def _note_condition(self, condition: str, at: datetime, present: bool) -> None:
        self.condition_changes.append(ConditionChange(condition, at, present, self.version + 1))
