"""The patient's standing: what a course needs to know about its patient (consents,
screening, conditions and allergies), and the refusals it gives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

from domain.consent import Consent
from domain.errors import RuleViolation
from domain.screening import Screening


class NoScreeningError(RuleViolation):
    """Treatment needs a screening on record."""

    rule = "no_screening"


class ScreeningOutdatedError(RuleViolation):
    """The latest screening is older than the clinic's validity window."""

    rule = "screening_outdated"


class NotEligibleError(RuleViolation):
    """The latest screening found the patient ineligible for treatment."""

    rule = "not_eligible"


class ConditionSinceScreeningError(RuleViolation):
    """A condition was recorded after the latest screening; the patient must be re-screened."""

    rule = "condition_since_screening"


class NoTreatmentConsentError(RuleViolation):
    """Injections need an active consent to treatment."""

    rule = "no_treatment_consent"


@dataclass(frozen=True)
class ConsentChange:
    """A consent given (active) or withdrawn (not), at its clinical time."""

    scope: str
    at: datetime
    active: bool
    version: int = 0  # the entry's version (0: kept before voids could strike it)
    form: Consent | None = None  # the form signed, when given


@dataclass(frozen=True)
class DatedScreening:
    at: datetime
    screening: Screening
    version: int = 0  # the entry's version: of equal clinical times, the later recorded


@dataclass(frozen=True)
class KnownAllergy:
    """An allergy and when it became known (recorded, or answered at a screening)."""

    substance: str
    at: datetime
    version: int = 0  # the entry that made it known: an allergy or a screening


@dataclass(frozen=True)
class ConditionChange:
    """A condition recorded (present) or resolved (not), at its clinical time."""

    condition: str
    at: datetime
    present: bool
    version: int = 0  # the entry's version: of equal clinical times, the later recorded


@dataclass(frozen=True)
class PatientStanding:
    """What a course needs to know about its patient: the dated history of their consents,
    screenings, allergies and conditions, as of one version of their record. Every rule
    asks it as of an instant, the entry's clinical time; the history is kept in the order
    recorded, and at one clinical time the later recorded counts.

    A course entry decided on it is saved only while the patient's record is still at that
    version (ClinicalRecords saves the entry `relying_on` the standing).
    """

    patient_id: UUID
    version: int
    registered_at: datetime
    consents: tuple[ConsentChange, ...]
    screenings: tuple[DatedScreening, ...]
    allergies: tuple[KnownAllergy, ...]
    conditions: tuple[ConditionChange, ...]

    def screening_at(self, at: datetime) -> DatedScreening | None:
        """The latest screening done by then."""
        return latest_of(s for s in self.screenings if s.at <= at)

    def allergies_at(self, at: datetime) -> tuple[str, ...]:
        """The substances the patient was known to be allergic to by then."""
        return tuple(dict.fromkeys(a.substance for a in self.allergies if a.at <= at))

    def conditions_since_screening(self, at: datetime) -> tuple[str, ...]:
        """Conditions recorded after the screening current then, unresolved then."""
        screened = self.screening_at(at)
        last: dict[str, ConditionChange] = {}
        for change in sorted(self.conditions, key=lambda c: c.at):
            if change.at <= at:
                last[change.condition] = change
        return tuple(name for name, change in last.items() if change.present and (
            screened is None or (change.at, change.version) > (screened.at, screened.version)))

    def consented_scopes_at(self, at: datetime) -> frozenset[str]:
        """The scopes consented to then."""
        last = {c.scope: c.active for c in sorted(self.consents, key=lambda c: c.at)
                if c.at <= at}
        return frozenset(scope for scope, active in last.items() if active)

    def require_current_eligible_screening(self, at: datetime, validity_days: int) -> None:
        """Screened by then, not longer before than the validity window, eligible, and no
        condition recorded since."""
        dated = self.screening_at(at)
        if dated is None:
            raise NoScreeningError(f"the patient had not been screened by {at.isoformat()}")
        if at - dated.at > timedelta(days=validity_days):
            raise ScreeningOutdatedError(
                f"screened on {dated.at.date()}, more than {validity_days} days before")
        if not dated.screening.eligible:
            raise NotEligibleError(f"ineligible: {', '.join(dated.screening.reasons)}")
        since = self.conditions_since_screening(at)
        if since:
            raise ConditionSinceScreeningError(f"recorded since screening: {', '.join(since)}")

    def require_treatment_consent(self, at: datetime) -> None:
        """An active consent to treatment then."""
        if "treatment" not in self.consented_scopes_at(at):
            raise NoTreatmentConsentError(f"no active consent to treatment on {at.date()}")


D = TypeVar("D", ConsentChange, DatedScreening)


def latest_of(dated: Iterable[D]) -> D | None:
    """The latest by clinical time; of equal times, the one recorded last."""
    found = None
    for item in dated:
        if found is None or item.at >= found.at:
            found = item
    return found


def normalise_substance(substance: str) -> str:
    return " ".join(substance.lower().split())
