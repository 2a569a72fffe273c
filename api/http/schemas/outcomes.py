"""Protocols and the outcomes registry: what a clinic sends and reads."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.http.schemas.common import Entry, Name
from api.http.schemas.courses import Amount
from domain.protocol import Component
from domain.vocabulary import AMOUNT_UNITS, AREAS, INDICATIONS, INGREDIENT_CATEGORIES, SCALES
from projections.outcomes.registry import DIMENSIONS

Category = Literal[tuple(sorted(INGREDIENT_CATEGORIES))]  # type: ignore[valid-type]
Unit = Literal[tuple(sorted(AMOUNT_UNITS))]  # type: ignore[valid-type]
IndicationCode = Literal[tuple(INDICATIONS)]  # type: ignore[valid-type]
AreaCode = Literal[tuple(AREAS)]  # type: ignore[valid-type]
ScaleCode = Literal[tuple(SCALES)]  # type: ignore[valid-type]
Dimension = Literal[DIMENSIONS]  # type: ignore[valid-type]


class ComponentIn(Entry):
    substance: Name
    category: Category
    amount: Amount
    unit: Unit

    def to_component(self) -> Component:
        return Component(self.substance, self.category, self.amount, self.unit)


class ProtocolIn(Entry):
    name: Name
    components: Annotated[list[ComponentIn], Field(min_length=1, max_length=20)]

    def to_components(self) -> tuple[Component, ...]:
        return tuple(c.to_component() for c in self.components)


class ProtocolRecorded(BaseModel):
    protocol_id: UUID
    version: int
    position: int = Field(description="Log position; pass as ?min_position= to read it back")

    @classmethod
    def of(cls, recorded) -> ProtocolRecorded:
        return cls(protocol_id=recorded.id, version=recorded.version,
                   position=recorded.position)


class ProtocolOut(BaseModel):
    protocol_id: UUID
    clinic: str
    name: str


class CellOut(BaseModel):
    indication: IndicationCode
    area: AreaCode
    scale: ScaleCode
    by: Dimension = Field(description="What the group is by: sessions done, the mix"
                          " (protocol or ratio band), age band or skin type")
    group: str
    patients: int | None = Field(ge=0, description="null when suppressed")
    course_areas: int | None = Field(ge=0)
    median: float | None = Field(description="Improvement from baseline, in scale points;"
                                 " positive is better whichever way the scale runs")
    q1: float | None
    q3: float | None
    ci_low: float | None = Field(description="95% bootstrap interval of the median")
    ci_high: float | None
    suppressed: bool = Field(description="Fewer patients than the smallest group shown")


class RegistryOut(BaseModel):
    note: str
    suppressed_below: int | None = Field(description="Groups of fewer patients are hidden"
                                         " (views across clinics); null: shown in full")
    cells: list[CellOut]
