"""Screening: the assessment of needs, age and health status that decides eligibility."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import InvalidEntry, RuleViolation
from domain.values import require_member, require_text
from domain.vocabulary import (
    ABSOLUTE,
    CONTRAINDICATIONS,
    FITZPATRICK_TYPES,
    INDICATIONS,
    UNDER_18,
)


class OverrideNeedsClinicianError(RuleViolation):
    """Only a clinician may override a relative contraindication."""

    rule = "override_needs_clinician"


ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
ELIGIBLE_WITH_OVERRIDE = "eligible_with_override"


@dataclass(frozen=True)
class ScreeningAnswers:
    """What the clinician asked and found. Every contraindication must be answered."""

    indications: tuple[str, ...]
    contraindications: dict[str, bool]
    fitzpatrick_type: str
    allergies: tuple[str, ...] = ()
    override_justification: str | None = None

    def __post_init__(self) -> None:
        if not self.indications:
            raise InvalidEntry("indications", "at least one indication is required")
        for code in self.indications:
            require_member("indications", code, INDICATIONS)
        unknown = set(self.contraindications) - set(CONTRAINDICATIONS)
        if unknown:
            raise InvalidEntry("contraindications", f"unknown items {sorted(unknown)}")
        missing = set(CONTRAINDICATIONS) - set(self.contraindications)
        if missing:
            raise InvalidEntry("contraindications", f"unanswered items {sorted(missing)}")
        if not all(isinstance(v, bool) for v in self.contraindications.values()):
            raise InvalidEntry("contraindications", "every answer must be true or false")
        require_member("fitzpatrick_type", self.fitzpatrick_type, FITZPATRICK_TYPES)
        for substance in self.allergies:
            require_text("allergies", substance, max_length=200)
        if self.override_justification is not None:
            require_text("override_justification", self.override_justification, 2000)

    @property
    def present(self) -> list[str]:
        return [code for code, present in self.contraindications.items() if present]


@dataclass(frozen=True)
class Screening:
    """A recorded screening: the answers, the age on the day, the result and its reasons."""

    answers: ScreeningAnswers
    age_years: int
    result: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return self.result in (ELIGIBLE, ELIGIBLE_WITH_OVERRIDE)


def assess(answers: ScreeningAnswers, age_years: int) -> Screening:
    """Under 18 or any absolute contraindication: ineligible. Relative ones need an override."""
    absolute = [c for c in answers.present if CONTRAINDICATIONS[c] == ABSOLUTE]
    overridable = [c for c in answers.present if CONTRAINDICATIONS[c] != ABSOLUTE]
    if age_years < 18:
        absolute.insert(0, UNDER_18)
    if absolute:
        return Screening(answers, age_years, INELIGIBLE, tuple(absolute + overridable))
    if overridable and not answers.override_justification:
        reasons = tuple(f"{c}: needs a clinician override with a justification"
                        for c in overridable)
        return Screening(answers, age_years, INELIGIBLE, reasons)
    if overridable:
        return Screening(answers, age_years, ELIGIBLE_WITH_OVERRIDE, tuple(overridable))
    return Screening(answers, age_years, ELIGIBLE)
