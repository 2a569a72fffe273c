"""Value objects shared by both aggregates: who acted, where, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import InvalidEntry
from domain.vocabulary import AREAS, ROLES

CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Actor:
    """The authenticated person who made an entry (never taken from a request body)."""

    id: str
    name: str
    role: str

    def __post_init__(self) -> None:
        require_text("actor.id", self.id)
        require_text("actor.name", self.name)
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


def clinical_time(occurred_at: datetime | None, now: datetime) -> datetime:
    """When it happened clinically: now by default, never beyond the allowed clock skew."""
    if occurred_at is None:
        return now
    if not isinstance(occurred_at, datetime) or occurred_at.tzinfo is None:
        raise InvalidEntry("occurred_at", "must be a date-time with a time zone")
    if occurred_at > now + CLOCK_SKEW:
        raise InvalidEntry("occurred_at", "is in the future")
    return occurred_at


def require_text(field: str, value: Any, max_length: int = 500) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEntry(field, "is required")
    if len(value) > max_length:
        raise InvalidEntry(field, f"is longer than {max_length} characters")
    return value


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
