"""Shared pieces of request and response bodies."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.application import Recorded
from domain.values import Site

# No control characters: PostgreSQL cannot store NUL, and a stored entry must project.
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
FREE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # tabs and line breaks allowed
Code = Annotated[str, Field(min_length=1, max_length=100, pattern=ONE_LINE)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=ONE_LINE)]
Text = Annotated[str, Field(max_length=2000, pattern=FREE_TEXT)]
Lot = Annotated[str, Field(min_length=1, max_length=64, pattern=ONE_LINE)]
WhenItHappened = Annotated[AwareDatetime | None, Field(
    description="When it happened clinically (defaults to now; never in the future)")]
AsOf = Annotated[AwareDatetime | None, Query(
    description="Replay the record to how it stood at this instant (server time, with zone)")]


class Entry(BaseModel):
    """A request body: unknown fields are refused, so nobody can set an actor or a time
    the server records for them."""

    model_config = ConfigDict(extra="forbid")


class SiteIn(Entry):
    area: Code = Field(description="Area code, e.g. thighs.lateral")
    laterality: Code = Field(description="left, right, bilateral or midline")

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
