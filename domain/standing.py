"""The patient's standing: what a course needs to know about its patient (consents,
screening, conditions and allergies), and the refusals it gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

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
class PatientStanding:
    """What a course needs to know about its patient, as of one version of their record.

    A course entry decided on it is saved only while the patient's record is still at that
    version (ClinicalRecords saves the entry `relying_on` the standing).
    """

    patient_id: UUID
    version: int
    consented_scopes: frozenset[str]
    screening: Screening | None
    screened_at: datetime | None
    conditions_since_screening: tuple[str, ...]
    allergies: tuple[str, ...]

    def require_current_eligible_screening(self, on: datetime, validity_days: int) -> None:
        if self.screening is None or self.screened_at is None:
            raise NoScreeningError("the patient has not been screened")
        if on - self.screened_at > timedelta(days=validity_days):
            raise ScreeningOutdatedError(
                f"screened on {self.screened_at.date()}, more than {validity_days} days ago")
        if not self.screening.eligible:
            raise NotEligibleError(f"ineligible: {', '.join(self.screening.reasons)}")
        if self.conditions_since_screening:
            raise ConditionSinceScreeningError(
                f"recorded since screening: {', '.join(self.conditions_since_screening)}")

    def require_treatment_consent(self) -> None:
        if "treatment" not in self.consented_scopes:
            raise NoTreatmentConsentError("no active consent to treatment")


def normalise_substance(substance: str) -> str:
    return " ".join(substance.lower().split())
