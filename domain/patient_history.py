"""What a Patient remembers of its consents, screenings, allergies and conditions: each
dated by its clinical time, so its standing can be asked as of any instant (DESIGN §1.1)."""

from __future__ import annotations

from datetime import datetime
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


class PatientHistory:
    """Mixed into Patient: the dated history (assigned only from its @event bodies) and the
    standing read from it."""

    id: UUID
    version: int
    registered_at: datetime
    consents: dict[str, Consent]
    consent_changes: list[ConsentChange]
    screenings: list[DatedScreening]
    known_allergies: list[KnownAllergy]
    condition_changes: list[ConditionChange]

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

    # --- assigned from the Patient's @event bodies ---------------------------------------

    def _note_registered(self, at: datetime) -> None:
        self.registered_at = at
        self.consent_changes, self.screenings = [], []
        self.known_allergies, self.condition_changes = [], []

    def _note_consent(self, scope: str, at: datetime, active: bool) -> None:
        self.consent_changes.append(ConsentChange(scope, at, active))

    def _note_screening(self, screening: Screening, at: datetime) -> None:
        self.screenings.append(DatedScreening(at, screening, self.version + 1))
        for substance in screening.answers.allergies:
            self._note_allergy(substance, at)

    def _note_allergy(self, substance: str, at: datetime) -> None:
        self.known_allergies.append(KnownAllergy(substance_key(substance), at))

    def _note_condition(self, condition: str, at: datetime, present: bool) -> None:
        self.condition_changes.append(ConditionChange(condition, at, present, self.version + 1))
