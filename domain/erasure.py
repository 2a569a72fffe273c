"""Erasure of a patient's personal data, and the retention period that holds it back.

Clinical records are kept for the clinic's retention period after the last entry (national
rules, 8–20 years); while it runs, a request to erase is refused and the refusal, with its
legal basis, is recorded (GDPR Art. 17(3)(b), (c)). After it, the patient's key is
destroyed: the sealed personal data can no longer be opened, every hash stays valid.

`Erasable` gives the patient's record its request to erase; the record declares the two
events (`ErasureRefused`, `PersonalDataErased`) as subclasses of the ones here, with its
own topics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import RuleViolation
from domain.personal_data import PersonalDataErasedError
from domain.values import Actor, require_text

LEGAL_BASIS = "GDPR Art. 17(3)(b) and (c): clinical records are kept for the retention period"


class RetentionPeriodRunningError(RuleViolation):
    """Erasure is refused while the retention period of the records runs; the refusal
    itself is recorded."""

    rule = "retention_period_running"

    def __init__(self, detail: str, position: int) -> None:
        super().__init__(detail)
        self.position = position


class PatientActivity(Protocol):
    """When a patient's records last changed (a view of the log knows; the use case asks)."""

    def last_entry_at(self, patient_id: UUID) -> datetime | None:
        """The last entry of the patient's record or any of their courses (a request to
        erase does not count); None if there is none yet."""


@dataclass(frozen=True)
class Retention:
    """How long the clinic keeps a record after its last entry."""

    years: int = 10

    def ends(self, last_entry_at: datetime | None, now: datetime) -> datetime:
        """The same day `years` after the last entry (a 29 February entry runs to 1 March);
        a record with no entry yet is kept as if its last entry were now."""
        last = last_entry_at or now
        try:
            return last.replace(year=last.year + self.years)
        except ValueError:
            return last.replace(year=last.year + self.years, month=3, day=1)

    def legal_basis(self, until: datetime) -> str:
        return (f"{LEGAL_BASIS} of {self.years} years after the last entry,"
                f" here until {until.date().isoformat()}")


class ErasureRefused(Aggregate.Event):
    """A request to erase, refused while the retention period runs (until `retained_until`)."""

    reason: str
    legal_basis: str
    retained_until: datetime
    actor: Actor
    occurred_at: datetime
    late_entry_reason: str | None = None

    def apply(self, record: Any) -> None:
        pass  # the refusal changes nothing; it is on record


class PersonalDataErased(Aggregate.Event):
    """The patient's personal data erased once the retention period has run."""

    reason: str
    legal_basis: str
    actor: Actor
    occurred_at: datetime
    late_entry_reason: str | None = None

    def apply(self, record: Any) -> None:
        record.erased = True


class Erasable:
    """A patient's request to erase, on a record with `erased` and the two events above."""

    erased: bool

    def request_erasure(self, reason: str, last_entry_at: datetime | None,
                        retention: Retention, actor: Actor, at: datetime) -> datetime | None:
        """Erase, or record the refusal while retention runs (return when it ends)."""
        require_text("reason", reason, max_length=2000)
        if self.erased:
            raise PersonalDataErasedError("the patient's personal data is already erased")
        until = retention.ends(last_entry_at, at)
        if at < until:
            self.trigger_event(type(self).ErasureRefused, reason=reason,
                               legal_basis=retention.legal_basis(until), retained_until=until,
                               actor=actor, occurred_at=at)
            return until
        self.trigger_event(type(self).PersonalDataErased, reason=reason,
                           legal_basis=retention.legal_basis(until), actor=actor,
                           occurred_at=at)
        return None
