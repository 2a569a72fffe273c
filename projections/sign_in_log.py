"""sign_in_log: every sign-in, failed attempt, lockout, sign-out and idle timeout.

Like the access log it is written by the server as things happen, not projected from
events. Entries hold identifiers and outcomes only: never a password, a code or the
address typed (a password typed into the wrong field would otherwise be kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from projections.base import ViewTransaction
from projections.paging import Where
from projections.paging import page as paged

COLUMNS = ("id", "at", "outcome", "staff_id", "clinic", "session_id", "client", "detail")
OUTCOMES = ("signed_in", "failed", "locked_out", "refused_while_locked", "refused_inactive",
            "unknown_account", "signed_out", "idle_timeout")


@dataclass(frozen=True)
class SignInEntry:
    at: datetime
    outcome: str
    staff_id: str | None = None
    clinic: str | None = None
    session_id: str | None = None
    client: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class SignInFilter:
    clinic: str | None = None
    staff_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class SignInLog:
    tables = ("sign_in_log",)

    @staticmethod
    def create(tx: ViewTransaction, postgres: bool) -> None:
        id_column = "BIGSERIAL" if postgres else "INTEGER"
        tx.execute(f"CREATE TABLE IF NOT EXISTS sign_in_log (id {id_column} PRIMARY KEY,"
                   " at TEXT NOT NULL, outcome TEXT NOT NULL, staff_id TEXT, clinic TEXT,"
                   " session_id TEXT, client TEXT, detail TEXT)")
        tx.execute("CREATE INDEX IF NOT EXISTS sign_in_log_clinic ON sign_in_log (clinic, id)")

    @staticmethod
    def record(tx: ViewTransaction, entry: SignInEntry) -> None:
        tx.execute("INSERT INTO sign_in_log (at, outcome, staff_id, clinic, session_id,"
                   " client, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (entry.at.isoformat(), entry.outcome, entry.staff_id, entry.clinic,
                    entry.session_id, entry.client, entry.detail))

    @staticmethod
    def page(tx: ViewTransaction, where: SignInFilter, after: int = 0,
             limit: int = 100) -> list[dict]:
        """Entries after an id (the cursor), oldest first; a clinic sees its own staff's."""
        conditions = Where("id", after)
        conditions.equal(clinic=where.clinic, staff_id=where.staff_id, outcome=where.outcome)
        return paged(tx, "sign_in_log", COLUMNS,
                     conditions.within("at", where.since, where.until), limit)
