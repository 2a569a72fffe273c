"""Request bodies for a course: plan, formulation, injection, outcome, adverse event."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BeforeValidator, Field, WithJsonSchema

from api.http.schemas.common import (
    ClinicalEntry,
    Day,
    Entry,
    Flag,
    Instant,
    Lot,
    Name,
    Note,
    SiteIn,
    Text,
    exactly,
)
from api.http.schemas.corrections import EntryVersion, Supersedes
from api.http.schemas.safety import ProductLotIn
from api.http.schemas.terms import (
    AdverseEventKind,
    AmountUnit,
    IndicationCode,
    IngredientCategory,
    OutcomeKind,
    ScaleCode,
    Severity,
    StatusAction,
    Technique,
    VehicleBase,
)
from domain.course_state import EntryKind
from domain.entries import (
    MAX_FORMULATION_VERSION,
    MAX_INTERVAL_DAYS,
    MAX_POINTS,
    MAX_SESSIONS,
    AdverseEventReport,
    CoursePlan,
    Dose,
    Outcome,
)
from domain.formulation import Formula, Ingredient, Vehicle
from domain.vocabulary import NEEDLE_GAUGES, NEEDLE_LENGTH_MM

PLAIN_DECIMAL = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"


def plain_decimal(value: object) -> object:
    """A quantity sent as text is digits and one point: "1_5" or "1e1" is a typo, not 15."""
    if isinstance(value, str) and not re.fullmatch(PLAIN_DECIMAL, value):
        raise ValueError("must be a decimal number such as 2.5")
    return value


DIGITS = r"(0*[0-9]{1,8}(\.[0-9]{0,4}0*)?|0*\.[0-9]{0,4}0*(?<=[0-9]))"
"""At most 8 digits before the point and 4 after (leading and trailing zeros aside)."""


def amount(positive: bool = True, within: tuple[Decimal, Decimal] | None = None) -> type:
    """A quantity as a JSON number or as decimal text, with at most 8 digits before the
    point and 4 after; more than zero unless told; `within` whole-number bounds if given."""
    number = {"type": "number", "exclusiveMaximum": 10**8, "multipleOf": 0.0001,
              "exclusiveMinimum": 0 if positive else -(10**8)}
    sign = r"\+?(?=[0-9.]*[1-9])" if positive else "[+-]?"
    text = {"type": "string", "pattern": f"^{sign}{DIGITS}$"}
    if within:
        low, high = within
        number = {"type": "number", "minimum": low, "maximum": high, "multipleOf": 0.0001}
        text["pattern"] = between(int(low), int(high))
    return Annotated[Decimal, BeforeValidator(plain_decimal),
                     Field(max_digits=12, decimal_places=4, gt=0 if positive else None),
                     WithJsonSchema({"anyOf": [number, text]})]


def between(low: int, high: int) -> str:
    """Decimal text from one whole number to another (a short range: each one is listed)."""
    below = "|".join(str(n) for n in range(low, high))
    return (rf"^\+?0*(({below})(\.[0-9]{{0,4}}0*)?|{high}(\.0*)?)$")


Amount = amount()
Score = amount(positive=False)


def count(low: int, high: int) -> type:
    """A JSON integer from low to high (bounds first, so the document states them)."""
    return Annotated[int, Field(ge=low, le=high), exactly(int)]


Session = count(1, MAX_SESSIONS)


class PlanIn(ClinicalEntry):
    indication: IndicationCode
    areas: Annotated[list[SiteIn], Field(min_length=1, max_length=30,
                                         json_schema_extra={"uniqueItems": True})]
    sessions: Session
    interval_days: count(1, MAX_INTERVAL_DAYS)

    def to_plan(self) -> CoursePlan:
        return CoursePlan(self.indication, tuple(a.to_site() for a in self.areas),
                          self.sessions, self.interval_days)


class PlanAmendmentIn(PlanIn):
    reason: Text
    supersedes: Supersedes = None


class IngredientIn(Entry):
    substance: Name
    category: IngredientCategory
    amount: Amount
    unit: AmountUnit
    product: Name
    lot: Lot
    expiry: Day

    def to_ingredient(self) -> Ingredient:
        return Ingredient(self.substance, self.category, self.amount, self.unit,
                          self.product, self.lot, self.expiry)


class VehicleIn(Entry):
    name: Name
    base: VehicleBase


class FormulationIn(ClinicalEntry):
    ingredients: Annotated[list[IngredientIn], Field(min_length=1, max_length=20)]
    vehicle: VehicleIn
    total_volume_ml: Amount
    protocol_id: UUID | None = Field(
        default=None, description="The clinic's protocol the mix is made from: its"
        " ingredients then have exactly the protocol's substances and amounts")

    def to_formula(self) -> Formula:
        return Formula(tuple(i.to_ingredient() for i in self.ingredients),
                       Vehicle(self.vehicle.name, self.vehicle.base), self.total_volume_ml,
                       self.protocol_id)


class InjectionIn(ClinicalEntry):
    session: Session
    site: SiteIn
    technique: Technique
    depth_mm: Amount
    needle_gauge: count(NEEDLE_GAUGES.start, NEEDLE_GAUGES.stop - 1)
    needle_length_mm: amount(within=NEEDLE_LENGTH_MM)
    points: count(1, MAX_POINTS)
    volume_ml: Amount
    formulation_version: count(1, MAX_FORMULATION_VERSION)
    lots: Annotated[list[Lot], Field(min_length=1, max_length=20)]
    supervisor: Name | None = Field(
        default=None, description="The supervising clinician (required of a nurse)")
    interval_override: Text | None = Field(
        default=None, description="Why this session comes sooner than the plan's interval")

    def to_dose(self) -> Dose:
        return Dose(self.session, self.site.to_site(), self.technique, self.depth_mm,
                    self.needle_gauge, self.needle_length_mm, self.points, self.volume_ml,
                    self.formulation_version, tuple(self.lots), self.supervisor,
                    self.interval_override)


class OutcomeIn(ClinicalEntry):
    site: SiteIn
    scale: ScaleCode
    score: Score
    kind: OutcomeKind
    session: count(0, MAX_SESSIONS)

    def to_outcome(self) -> Outcome:
        return Outcome(self.site.to_site(), self.scale, self.score, self.kind, self.session)


class AdverseEventIn(ClinicalEntry):
    site: SiteIn | None = None
    kind: AdverseEventKind
    severity: Severity
    serious: Flag
    onset: Instant
    action_taken: Text
    suspected_lots: Annotated[list[Lot], Field(max_length=20)] = []
    description: Note = Field(default="", description="What happened (required of kind"
                              " `other`)")
    suspected_injections: Annotated[list[EntryVersion], Field(
        max_length=50, description="The course's injections suspected, by version")] = []
    suspected_product_lots: Annotated[list[ProductLotIn], Field(
        max_length=20, description="Lots suspected, each with its product")] = []

    def to_report(self) -> AdverseEventReport:
        return AdverseEventReport(self.site.to_site() if self.site else None, self.kind,
                                  self.severity, self.serious, self.onset, self.action_taken,
                                  tuple(self.suspected_lots), self.description,
                                  tuple(self.suspected_injections),
                                  tuple(s.to_lot() for s in self.suspected_product_lots))


class StatusIn(ClinicalEntry):
    action: StatusAction
    reason: Text


class VoidIn(ClinicalEntry):
    version: Annotated[int, Field(ge=1, le=10**9, description="The entry's version")]
    reason: Text
    kind: EntryKind | None = Field(
        None, description="The kind of entry voided; if given, the entry must be of it")
