"""Value objects shared by both aggregates: who acted, where, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.clinical_time import LateEntryPolicy
from domain.errors import InvalidEntry
from domain.text import (  # noqa: F401  (where the rules of text were first looked up)
    BIDI_CONTROLS,
    LINE_BREAKS,
    require_name,
    require_text,
)
from domain.vocabulary import AREAS, ROLES


@dataclass(frozen=True)
class Actor:
    """The authenticated person who made an entry (never taken from a request body)."""

    id: str
    name: str
    role: str

    def __post_init__(self) -> None:
        require_name("actor.id", self.id, max_length=500)
        require_name("actor.name", self.name, max_length=500)
        if self.role not in ROLES:
            raise InvalidEntry("actor.role", f"unknown role {self.role!r}")


@dataclass(frozen=True)
class Site:
    """An area of the body and its side."""

    area: str
    laterality: str

    def __post_init__(self) -> None:
        if self.area not in AREAS:
            raise InvalidEntry("area", f"unknown area {self.area!r}")
        allowed = AREAS[self.area].lateralities
        if self.laterality not in allowed:
            raise InvalidEntry("laterality", f"{self.area} takes one of {sorted(allowed)}")

    def covers(self, other: Site) -> bool:
        """A bilateral plan covers an injection into either side."""
        if self.area != other.area:
            return False
        return self.laterality == other.laterality or (
            self.laterality == "bilateral" and other.laterality in ("left", "right")
        )

    def __str__(self) -> str:
        return f"{self.area} ({self.laterality})"


def require_decimal(field: str, value: Any, *, positive: bool = True) -> Decimal:
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, int, str)):
        raise InvalidEntry(field, "must be a decimal number")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidEntry(field, "must be a decimal number") from None
    if not number.is_finite():
        raise InvalidEntry(field, "must be a finite number")
    if positive and number <= 0:
        raise InvalidEntry(field, "must be greater than zero")
    return number


def require_int(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEntry(field, "must be a whole number")
    if not low <= value <= high:
        raise InvalidEntry(field, f"must be between {low} and {high}")
    return value


def require_member(field: str, value: Any, allowed) -> str:
    if value not in allowed:
        raise InvalidEntry(field, f"unknown value {value!r}; one of {sorted(allowed)}")
    return value


def require_date(field: str, value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidEntry(field, "must be a calendar date")
    return value


def age_on(birth: date, day: date) -> int:
    """Completed years of age on a given day (a 29 February birthday turns on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class ClinicPolicy:
    """The clinic's own limits, set in its settings."""

    screening_validity_days: int = 30
    area_session_volume_limit_ml: Decimal = Decimal("10")
    retention_years: int = 10
    late_entry_hours: int = 24
    max_backdating_days: int = 30
    session_interval_tolerance_days: int = 2

    @property
    def late_entries(self) -> LateEntryPolicy:
        return LateEntryPolicy(timedelta(hours=self.late_entry_hours),
                               timedelta(days=self.max_backdating_days))

    @property
    def interval_tolerance(self) -> timedelta:
        return timedelta(days=self.session_interval_tolerance_days)
