"""staff_list: each clinic's staff accounts — printed name, e-mail, roles, active — for the
admin's list and `mesoledger staff list`. Whether an account may act right now is never
read from here (a view may lag): sign-in and every request read the account itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from domain.staff import StaffMember
from projections.base import Change, ViewTransaction


class Opened(NamedTuple):
    staff_id: str
    clinic: str
    name: str
    email: str
    roles: str  # comma-separated, in the order granted


class RoleChange(NamedTuple):
    staff_id: str
    role: str
    granted: bool


class StatusChange(NamedTuple):
    staff_id: str
    active: bool


class SecondFactor(NamedTuple):
    staff_id: str


FACTS: dict[type, Callable[[Change], Opened | RoleChange | StatusChange | SecondFactor]] = {
    StaffMember.Registered: lambda c: Opened(c.record_id, c.event.clinic, c.event.name,
                                             c.event.email, ",".join(c.event.roles)),
    StaffMember.RoleGranted: lambda c: RoleChange(c.record_id, c.event.role, True),
    StaffMember.RoleRevoked: lambda c: RoleChange(c.record_id, c.event.role, False),
    StaffMember.Deactivated: lambda c: StatusChange(c.record_id, False),
    StaffMember.Reactivated: lambda c: StatusChange(c.record_id, True),
    StaffMember.SecondFactorEnrolled: lambda c: SecondFactor(c.record_id),
}
"""Which events this view takes, and what each contributes."""

COLUMNS = ("staff_id", "clinic", "name", "email", "roles", "active", "second_factor")


class StaffList:
    name = "staff_list"
    tables = ("staff_list",)

    def create(self, tx: ViewTransaction) -> None:
        tx.execute("CREATE TABLE IF NOT EXISTS staff_list (staff_id TEXT PRIMARY KEY,"
                   " clinic TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,"
                   " roles TEXT NOT NULL, active INTEGER NOT NULL,"
                   " second_factor INTEGER NOT NULL)")
        tx.execute("CREATE INDEX IF NOT EXISTS staff_list_by_clinic"
                   " ON staff_list (clinic, name)")

    @staticmethod
    def facts(change: Change):
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list) -> None:
        for fact in facts:  # staff changes are few: one statement each, in log order
            match fact:
                case Opened():
                    tx.execute("INSERT INTO staff_list (staff_id, clinic, name, email, roles,"
                               " active, second_factor) VALUES (?, ?, ?, ?, ?, 1, 0)", fact)
                case RoleChange(staff_id, role, granted):
                    row = tx.one("SELECT roles FROM staff_list WHERE staff_id = ?",
                                 (staff_id,))
                    roles = [r for r in (row[0].split(",") if row else []) if r != role]
                    tx.execute("UPDATE staff_list SET roles = ? WHERE staff_id = ?",
                               (",".join(roles + [role] * granted), staff_id))
                case StatusChange(staff_id, active):
                    tx.execute("UPDATE staff_list SET active = ? WHERE staff_id = ?",
                               (int(active), staff_id))
                case SecondFactor(staff_id):
                    tx.execute("UPDATE staff_list SET second_factor = 1 WHERE staff_id = ?",
                               (staff_id,))

    @staticmethod
    def of_clinic(tx: ViewTransaction, clinic: str | None) -> list[dict]:
        """The accounts of a clinic (every clinic's: None), by name."""
        where, params = ("WHERE clinic = ?", (clinic,)) if clinic is not None else ("", ())
        rows = tx.rows(f"SELECT {', '.join(COLUMNS)} FROM staff_list {where}"
                       " ORDER BY clinic, name, staff_id", params)
        return [dict(zip(COLUMNS, row, strict=True)) | {
            "roles": row[4].split(","), "active": bool(row[5]),
            "second_factor": bool(row[6])} for row in rows]
