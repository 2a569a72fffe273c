"""The domain's vocabularies as request types. Each is an enum in the OpenAPI document made
from the domain's own tables (domain/vocabulary.py and the rules' constants), so the contract
names exactly the codes the server accepts and cannot drift from them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from domain.course_rules import STATUS_CHANGES
from domain.entries import BASELINE, FOLLOW_UP
from domain.vocabulary import (
    ADVERSE_EVENT_KINDS,
    AMOUNT_UNITS,
    AREAS,
    CONSENT_SCOPES,
    FITZPATRICK_TYPES,
    INDICATIONS,
    INGREDIENT_CATEGORIES,
    LATERALITIES,
    SCALES,
    SEVERITIES,
    SEXES,
    TECHNIQUES,
    VEHICLE_BASES,
)


def one_of(codes: Iterable[str]) -> type:
    """A string that is one of these codes (an OpenAPI enum), in a stable order."""
    return Literal[tuple(sorted(codes))]  # type: ignore[return-value]


Sex = one_of(SEXES)
ConsentScope = one_of(CONSENT_SCOPES)
IndicationCode = one_of(INDICATIONS)
FitzpatrickType = one_of(FITZPATRICK_TYPES)
AreaCode = one_of(AREAS)
Laterality = one_of(LATERALITIES)
Technique = one_of(TECHNIQUES)
ScaleCode = one_of(SCALES)
OutcomeKind = one_of((BASELINE, FOLLOW_UP))
AdverseEventKind = one_of(ADVERSE_EVENT_KINDS)
Severity = one_of(SEVERITIES)
IngredientCategory = one_of(INGREDIENT_CATEGORIES)
AmountUnit = one_of(AMOUNT_UNITS)
VehicleBase = one_of(VEHICLE_BASES)
StatusAction = one_of(STATUS_CHANGES)


def sites_by_laterality() -> list[tuple[list[str], list[str]]]:
    """The areas grouped by the sides they take: (areas, lateralities) per group."""
    groups: dict[frozenset[str], list[str]] = {}
    for code, area in AREAS.items():
        groups.setdefault(area.lateralities, []).append(code)
    return [(sorted(codes), sorted(sides)) for sides, codes in groups.items()]
