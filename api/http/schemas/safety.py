"""Lot recalls and safety signals: what a clinic or a regulator sends and reads."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.http.schemas.common import Entry, Flag, Lot, Name, Text, WhenItHappened
from domain.lots import ProductLot
from domain.recall import CONTACT_METHODS

ContactMethod = Literal[CONTACT_METHODS]  # type: ignore[valid-type]
Rule = Literal["infection_cluster", "rate_above_product"]


class ProductLotIn(Entry):
    product: Name = Field(description="The product's name, as on the mix's ingredient")
    lot: Lot

    def to_lot(self) -> ProductLot:
        return ProductLot(self.product, self.lot)


class RecallIn(ProductLotIn):
    reason: Annotated[Text, Field(min_length=1)]


class ContactIn(ProductLotIn):
    method: ContactMethod
    reached: Flag
    occurred_at: WhenItHappened = None


class RecallOut(BaseModel):
    product: str
    lot: str
    clinic: str = Field(description="The clinic it is recalled in; `*`: every clinic")
    reason: str
    recalled_at: datetime
    recalled_by: str
    exposures: str = Field(description="Where its exposure list is")


class ContactOut(BaseModel):
    method: ContactMethod
    reached: bool
    contacted_at: datetime
    contacted_by: str


class RecallExposureOut(BaseModel):
    """An injection with a recalled lot, and what the clinic needs to reach the patient."""

    product: str
    lot: str
    patient_id: UUID = Field(description="Open the patient's record for their contact details")
    clinic: str
    course_id: UUID
    injection_version: int
    area: str
    laterality: str
    session: int
    date: date
    voided: bool = Field(description="The injection was voided (entered in error) since")
    contacts: list[ContactOut] = Field(description="Attempts to reach the patient so far")


class LotSignalOut(BaseModel):
    product: str
    lot: str
    injections: int = Field(ge=0)
    patients: int = Field(ge=0)
    adverse_events: int = Field(ge=0)
    by_kind: dict[str, int]
    by_severity: dict[Literal["mild", "moderate", "severe"], int]
    serious: int = Field(ge=0)
    infections: int = Field(ge=0)
    rate_per_1000: Decimal | None = Field(description="Adverse events per 1,000 injections")
    product_rate_per_1000: Decimal | None
    signals: list[Rule] = Field(description="The rules this lot raises, judged over every"
                                " clinic")
    recalled: bool
    exposures: str = Field(description="Where its exposure list is")


class SignalRulesOut(BaseModel):
    window_days: int
    infections: int
    rate_ratio: Decimal
    rate_min_events: int


class SignalsOut(BaseModel):
    rules: SignalRulesOut
    lots: list[LotSignalOut]


class RecallRecorded(BaseModel):
    """A recall, or a contact about one, was recorded."""

    recall_id: UUID
    version: int
    position: int = Field(description="Log position; pass as ?min_position= to read it back")

    @classmethod
    def of(cls, recorded) -> RecallRecorded:
        return cls(recall_id=recorded.id, version=recorded.version, position=recorded.position)


class ProductIn(Entry):
    name: Name
    manufacturer: Name
    gtin: Annotated[str | None, Field(pattern=r"^(\d{8}|\d{12,14})$", description=(
        "GS1 GTIN: 8, 12, 13 or 14 digits, check digit included"))] = None


class ProductOut(BaseModel):
    clinic: str
    name: str
    manufacturer: str
    gtin: str | None


class ProductRecorded(BaseModel):
    """A product was listed in the clinic's catalogue."""

    product_id: UUID
    version: int
    position: int = Field(description="Log position; pass as ?min_position= to read it back")

    @classmethod
    def of(cls, recorded) -> ProductRecorded:
        return cls(product_id=recorded.id, version=recorded.version,
                   position=recorded.position)
