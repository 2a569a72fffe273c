"""Request bodies for a course: plan, formulation, injection, outcome, adverse event."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BeforeValidator, Field, WithJsonSchema

from api.http.schemas.common import (
    ClinicalEntry,
    Code,
    Day,
    Entry,
    Flag,
    Instant,
    Lot,
    Name,
    SiteIn,
    Text,
    Whole,
)
from api.http.schemas.safety import ProductLotIn
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.formulation import Formula, Ingredient, Vehicle

PLAIN_DECIMAL = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"


def plain_decimal(value: object) -> object:
    """A quantity sent as text is digits and one point: "1_5" or "1e1" is a typo, not 15."""
    if isinstance(value, str) and not re.fullmatch(PLAIN_DECIMAL, value):
        raise ValueError("must be a decimal number such as 2.5")
    return value


Amount = Annotated[Decimal, BeforeValidator(plain_decimal),
                   Field(max_digits=12, decimal_places=4),
                   WithJsonSchema({"anyOf": [{"type": "number"},
                                             {"type": "string", "pattern": PLAIN_DECIMAL}]})]
Count = Annotated[Whole, Field(ge=0, le=100_000)]


class PlanIn(ClinicalEntry):
    indication: Code
    areas: Annotated[list[SiteIn], Field(min_length=1, max_length=30)]
    sessions: Count
    interval_days: Count

    def to_plan(self) -> CoursePlan:
        return CoursePlan(self.indication, tuple(a.to_site() for a in self.areas),
                          self.sessions, self.interval_days)


class PlanAmendmentIn(PlanIn):
    reason: Text


class IngredientIn(Entry):
    substance: Name
    category: Code
    amount: Amount
    unit: Code = Field(description="g, mg, mcg, IU or mL")
    product: Name
    lot: Lot
    expiry: Day

    def to_ingredient(self) -> Ingredient:
        return Ingredient(self.substance, self.category, self.amount, self.unit,
                          self.product, self.lot, self.expiry)


class VehicleIn(Entry):
    name: Name
    base: Code = Field(description="aqueous, alcohol or oil")


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
    session: Count
    site: SiteIn
    technique: Code
    depth_mm: Amount
    needle_gauge: Count
    needle_length_mm: Amount
    points: Count
    volume_ml: Amount
    formulation_version: Count
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
    scale: Code
    score: Amount
    kind: Code = Field(description="baseline or follow_up")
    session: Count

    def to_outcome(self) -> Outcome:
        return Outcome(self.site.to_site(), self.scale, self.score, self.kind, self.session)


class AdverseEventIn(ClinicalEntry):
    site: SiteIn | None = None
    kind: Code
    severity: Code = Field(description="mild, moderate or severe")
    serious: Flag
    onset: Instant
    action_taken: Text
    suspected_lots: Annotated[list[Lot], Field(max_length=20, description=(
        "Lot numbers suspected (each is traced to its product through the course's mixes)"))
    ] = []
    description: Text = ""
    suspected_injections: Annotated[list[Annotated[int, Field(ge=1, le=10**9)]], Field(
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
    action: Code = Field(description="suspend, resume, complete or discontinue")
    reason: Text


class VoidIn(ClinicalEntry):
    version: Annotated[int, Field(ge=1, le=10**9, description="The entry's version")]
    reason: Text
