"""Clinical time (DESIGN §1.1): when care happened, which the rules are judged at.

An entry is dated by its clinical time (`occurred_at`; now by default). It may be recorded
later than that: beyond the clinic's late-entry window it needs a reason and is marked a
late entry wherever shown; beyond the backdating limit it is refused. Nothing is dated
before what it depends on (the patient's registration, the course's plan, the mix used).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate

from domain.errors import InvalidEntry, RuleViolation
from domain.text import require_text

CLOCK_SKEW = timedelta(minutes=5)
MOST_OFFSET = timedelta(hours=14)  # RFC 3339 allows more; no place on Earth uses more
OLDEST_AGE_YEARS = 125


class BackdatedTooFarError(RuleViolation):
    """An entry dated further back than the clinic's backdating limit is refused."""

    rule = "backdated_too_far"


class DatedInFutureError(RuleViolation):
    """Nothing is dated in the future (beyond five minutes of clock skew)."""

    rule = "dated_in_future"
    field = "occurred_at"


class LateEntryUnexplainedError(RuleViolation):
    """An entry made later than the clinic's late-entry window after its clinical time says
    why (`late_entry_reason`)."""

    rule = "late_entry_unexplained"
    field = "late_entry_reason"


class ImplausibleBirthDateError(RuleViolation):
    """A date of birth is in the past and at most 125 years ago."""

    rule = "implausible_birth_date"
    field = "date_of_birth"


class BeforeRegistrationError(RuleViolation):
    """Nothing about a patient can be dated before the patient was registered."""

    rule = "before_registration"


class BeforePlanError(RuleViolation):
    """Nothing in a course can be dated before the course was planned."""

    rule = "before_plan"


class BeforeFormulationError(RuleViolation):
    """An injection cannot be dated before the mix it uses was made."""

    rule = "before_formulation"


class BeforeFirstInjectionError(RuleViolation):
    """An adverse event of a course cannot start, or be reported, before its first injection."""

    rule = "before_first_injection"


@dataclasses.dataclass(frozen=True)
class LateEntryPolicy:
    """The clinic's windows for entries made after the care they record."""

    late_after: timedelta = timedelta(hours=24)
    refused_after: timedelta = timedelta(days=30)


def require_instant(field: str, value: Any) -> datetime:
    """A date-time with a UTC offset within ±14:00 (RFC 3339, as clinics live by it)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidEntry(field, "must be a date-time with a time zone")
    offset = value.utcoffset()
    if offset is None or abs(offset) > MOST_OFFSET:
        raise InvalidEntry(field, "must have a UTC offset between -14:00 and +14:00")
    return value


def clinical_time(occurred_at: datetime | None, late_entry_reason: str | None,
                  now: datetime, policy: LateEntryPolicy = LateEntryPolicy()) -> datetime:
    """When it happened clinically: now by default, never in the future beyond clock skew,
    never older than the backdating limit, and explained when later than the window."""
    if late_entry_reason is not None:
        _require_reason(late_entry_reason)
    if occurred_at is None:
        return now
    require_instant("occurred_at", occurred_at)
    if occurred_at > now + CLOCK_SKEW:
        raise DatedInFutureError(f"occurred_at {occurred_at.isoformat()} is in the future")
    if now - occurred_at > policy.refused_after:
        raise BackdatedTooFarError(
            f"dated {occurred_at.isoformat()}, more than {policy.refused_after.days} days"
            " back; entries older than that cannot be recorded")
    if now - occurred_at > policy.late_after and late_entry_reason is None:
        raise LateEntryUnexplainedError(
            f"a late entry (recorded more than {_hours(policy.late_after)} h after it"
            " happened) needs a late_entry_reason")
    return occurred_at


def is_late(occurred_at: datetime | None, recorded_at: datetime,
            policy: LateEntryPolicy = LateEntryPolicy()) -> bool:
    return occurred_at is not None and recorded_at - occurred_at > policy.late_after


def made_late(event: object, policy: LateEntryPolicy = LateEntryPolicy()) -> bool:
    """Whether a recorded entry was made late: explained as late when recorded; an entry
    stored before reasons were asked for (it holds no `late_entry_reason` at all) when it
    was recorded later than the window after its clinical time."""
    if "late_entry_reason" in vars(event):
        return vars(event)["late_entry_reason"] is not None
    return is_late(getattr(event, "occurred_at", None), event.timestamp, policy)


def explain_late_entry(aggregate: Aggregate, reason: str | None) -> None:
    """Write the late-entry reason into the entries the command is about to record."""
    if reason is None:
        return
    pending = aggregate._pending_events  # the library's list of events not yet saved
    pending[:] = [dataclasses.replace(e, late_entry_reason=reason)
                  if "late_entry_reason" in e.__dataclass_fields__ else e for e in pending]


def require_not_before(at: datetime, start: datetime | None, error: type[RuleViolation],
                       what: str) -> None:
    if start is not None and at < start:
        raise error(f"dated {at.isoformat()}, before {what} ({start.isoformat()})")


def require_plausible_birth(birth: date, today: date) -> date:
    """A date of birth in the past and at most 125 years ago."""
    if birth >= today:
        raise ImplausibleBirthDateError(f"date_of_birth {birth} is not in the past")
    if birth < date(today.year - OLDEST_AGE_YEARS, 1, 1):
        raise ImplausibleBirthDateError(
            f"date_of_birth {birth} is more than {OLDEST_AGE_YEARS} years ago")
    return birth


def _require_reason(reason: Any) -> None:
    require_text("late_entry_reason", reason, max_length=2000)


def _hours(window: timedelta) -> int:
    return int(window.total_seconds() // 3600)
