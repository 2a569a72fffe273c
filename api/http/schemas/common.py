"""Shared pieces of request and response bodies."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from api.http.schemas.terms import AreaCode, Laterality, sites_by_laterality
from api.http.schemas.text import ANY_TEXT, VISIBLE_LINE, VISIBLE_TEXT
from domain.application import Recorded
from domain.clinical_time import require_instant
from domain.errors import InvalidEntry
from domain.values import Site

# No control characters: PostgreSQL cannot store NUL, and a stored entry must project.
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
FREE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # tabs and line breaks allowed
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=VISIBLE_LINE)]
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=VISIBLE_TEXT)]
"""Text that must say something (a reason, a reaction, an action taken)."""
Note = Annotated[str, Field(max_length=2000, pattern=ANY_TEXT)]
"""Text that may be left empty."""
Lot = Annotated[str, Field(min_length=1, max_length=64, pattern=VISIBLE_LINE)]


RFC3339_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
RFC3339_TIME = (RFC3339_DAY + r"[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                r"([Zz]|[+-][0-9]{2}:[0-9]{2})")


def _rfc3339(value: object) -> object:
    """A date-time is RFC 3339 text, never a number (nor a number written as text)."""
    if not (isinstance(value, datetime) or isinstance(value, str)
            and re.fullmatch(RFC3339_TIME, value)):
        raise ValueError("must be an RFC 3339 date-time with a UTC offset")
    return value


def _calendar_day(value: object) -> object:
    if not (isinstance(value, date) and not isinstance(value, datetime)
            or isinstance(value, str) and re.fullmatch(RFC3339_DAY, value)):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


def _offset_on_earth(value: datetime) -> datetime:
    try:
        return require_instant("date-time", value)
    except InvalidEntry as malformed:
        raise ValueError(malformed.problem) from None


def _digits(value: object) -> object:
    """A whole number in a query is digits ("+0.0" and "1e3" are not how one is written)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,19}", value):
        raise ValueError("must be a whole number written in digits")
    return value


DIGITS_ONLY = BeforeValidator(_digits)
"""Put after a query parameter's Query(...) so its bounds stay in the document."""


def exactly(kind: type) -> object:
    """A JSON boolean, or a JSON integer (2.0 is the number 2; 2.5, "2" and true are not)."""
    def check(value: object) -> object:
        if kind is int and type(value) is float and value.is_integer():
            return int(value)
        if type(value) is not kind:
            raise ValueError(f"must be a JSON {'boolean' if kind is bool else 'integer'}")
        return value
    return BeforeValidator(check)


OFFSET_ON_EARTH = r"(Z|z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$"
Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339), AfterValidator(_offset_on_earth),
                    Field(json_schema_extra={"pattern": OFFSET_ON_EARTH})]
"""An RFC 3339 date-time with a UTC offset within ±14:00."""
Flag = Annotated[bool, exactly(bool)]
Day = Annotated[date, BeforeValidator(_calendar_day)]
"""A calendar date as RFC 3339 text (YYYY-MM-DD), never a number."""
WhenItHappened = Annotated[Instant | None, Field(
    description="When it happened clinically (defaults to now; never in the future; at most"
                " the clinic's backdating limit back)")]
LateEntryReason = Annotated[str | None, Field(
    min_length=1, max_length=2000, pattern=VISIBLE_TEXT, description="Why the entry is made"
    " late: required more than the clinic's late-entry window (24 h by default) after its"
    " clinical time")]
AsOf = Annotated[Instant | None, Query(
    description="Replay the record to how it stood at this instant (server time, with zone)")]


class Entry(BaseModel):
    """A request body: unknown fields are refused, so nobody can set an actor or a time
    the server records for them."""

    model_config = ConfigDict(extra="forbid")


class ClinicalEntry(Entry):
    """An entry dated by its clinical time, explained when made late."""

    occurred_at: WhenItHappened = None
    late_entry_reason: LateEntryReason = None


def _sides_per_area(schema: dict) -> None:
    """Each area takes only its own sides (a midline area is never left or right)."""
    schema["anyOf"] = [{"properties": {"area": {"enum": areas},
                                       "laterality": {"enum": sides}}}
                       for areas, sides in sites_by_laterality()]


class SiteIn(Entry):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_sides_per_area)

    area: AreaCode = Field(description="Area code, e.g. thighs.lateral")
    laterality: Laterality = Field(description="The side: one the area takes")

    def to_site(self) -> Site:
        return Site(self.area, self.laterality)


class PatientRecorded(BaseModel):
    """A patient entry was recorded."""

    patient_id: UUID
    version: int
    position: int = Field(description="Log position; pass as ?min_position= to read it back")

    @classmethod
    def of(cls, recorded: Recorded) -> PatientRecorded:
        return cls(patient_id=recorded.id, version=recorded.version, position=recorded.position)


class ScreeningRecordedOut(PatientRecorded):
    """A screening was recorded, with its result and the reasons for it."""

    result: str
    reasons: list[str]

    @classmethod
    def of(cls, recorded: Recorded, result: str, reasons: tuple[str, ...]
           ) -> ScreeningRecordedOut:
        return cls(patient_id=recorded.id, version=recorded.version,
                   position=recorded.position, result=result, reasons=list(reasons))


class CourseRecorded(BaseModel):
    """A course entry was recorded; `version` is the entry's number (what a void names)."""

    course_id: UUID
    version: int
    position: int = Field(description="Log position; pass as ?min_position= to read it back")

    @classmethod
    def of(cls, recorded: Recorded) -> CourseRecorded:
        return cls(course_id=recorded.id, version=recorded.version, position=recorded.position)
