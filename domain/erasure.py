"""Erasure of a patient's personal data, and the retention period that holds it back.

Clinical records are kept for the clinic's retention period after the last entry (national
rules, 8–20 years); while it runs, a request to erase is refused and the refusal, with its
legal basis, is recorded (GDPR Art. 17(3)(b), (c)). After it, the patient's key is
destroyed: the sealed personal data can no longer be opened, every hash stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.errors import RuleViolation

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
