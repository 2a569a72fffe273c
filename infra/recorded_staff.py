"""The staff accounts a provider identity matches, as the records hold them now (read on every
request, so a deactivation takes effect at once)."""

from __future__ import annotations

from uuid import UUID

from domain.errors import InvalidEntry, NotFoundError
from domain.staff_records import StaffRecords
from infra.provider_identity import StaffAccount


class RecordedStaff:
    def __init__(self, records: StaffRecords) -> None:
        self.records = records

    def active_by_email(self, clinic: str, email: str) -> StaffAccount | None:
        try:
            return self._active(self.records.staff_by_email(email), clinic)
        except (NotFoundError, InvalidEntry):
            return None

    def active_by_subject(self, clinic: str, issuer: str, subject: str) -> StaffAccount | None:
        """The provider names the staff id itself as the subject."""
        try:
            return self._active(self.records.staff_member(UUID(subject)), clinic)
        except (ValueError, NotFoundError):
            return None

    @staticmethod
    def _active(member, clinic: str) -> StaffAccount | None:
        if not member.active or member.clinic != clinic:
            return None
        return StaffAccount(str(member.id), member.name, frozenset(member.roles))
