"""The staff accounts a provider identity is matched to, found in the records once and then
remembered: an e-mail's claim on an account, the account's clinic and printed name never
change (whether it may act is asked anew on every request: infra/sign_in.py)."""

from __future__ import annotations

from uuid import UUID

from domain.errors import InvalidEntry, NotFoundError
from domain.staff_records import StaffRecords
from infra.provider_identity import StaffAccount

REMEMBERED = 10_000  # accounts kept per process


class RecordedStaff:
    def __init__(self, records: StaffRecords) -> None:
        self.records = records
        self._by_email: dict[str, StaffAccount] = {}
        self._by_id: dict[str, StaffAccount] = {}

    def named_by_email(self, email: str) -> StaffAccount | None:
        account = self._by_email.get(email)
        if account is None:
            try:
                member = self.records.staff_by_email(email)
            except (NotFoundError, InvalidEntry):
                return None
            account = self._remember(self._by_email, email, member)
        return account

    def named_by_id(self, staff_id: str) -> StaffAccount | None:
        account = self._by_id.get(staff_id)
        if account is None:
            try:
                member = self.records.staff_member(UUID(staff_id))
            except (ValueError, NotFoundError):
                return None
            account = self._remember(self._by_id, staff_id, member)
        return account

    @staticmethod
    def _remember(kept: dict[str, StaffAccount], key: str, member) -> StaffAccount:
        if len(kept) >= REMEMBERED:
            kept.clear()
        kept[key] = StaffAccount(str(member.id), member.name, member.clinic)
        return kept[key]
