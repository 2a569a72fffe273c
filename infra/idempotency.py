"""Idempotency keys: a retried POST gets the first answer and records nothing twice.

A key is claimed before the command runs (a unique row), completed with the response
after it, and released when the command is refused, so a corrected retry can run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from infra.views import ViewDatabase

TABLE = ("CREATE TABLE IF NOT EXISTS idempotency_keys (owner TEXT NOT NULL,"
         " key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER, body TEXT,"
         " claimed_at TEXT NOT NULL, PRIMARY KEY (owner, key))")


@dataclass(frozen=True)
class FirstAnswer:
    """What the first request with this key was, and (once it finished) what it got."""

    fingerprint: str
    status: int | None
    body: str | None


class IdempotencyKeys:
    def __init__(self, views: ViewDatabase) -> None:
        self.views = views
        with views.transaction() as tx:
            tx.execute(TABLE)

    def claim(self, owner: str, key: str, fingerprint: str, at: datetime) -> FirstAnswer | None:
        """Claim the key for this request; if it was claimed before, what that request got."""
        with self.views.transaction() as tx:
            tx.execute("INSERT INTO idempotency_keys (owner, key, fingerprint, claimed_at)"
                       " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       (owner, key, fingerprint, at.isoformat()))
            if tx.rowcount == 1:
                return None
            row = tx.one("SELECT fingerprint, status, body FROM idempotency_keys"
                         " WHERE owner = ? AND key = ?", (owner, key))
        return FirstAnswer(*row)

    def complete(self, owner: str, key: str, status: int, body: str) -> None:
        with self.views.transaction() as tx:
            tx.execute("UPDATE idempotency_keys SET status = ?, body = ?"
                       " WHERE owner = ? AND key = ?", (status, body, owner, key))

    def release(self, owner: str, key: str) -> None:
        with self.views.transaction() as tx:
            tx.execute("DELETE FROM idempotency_keys WHERE owner = ? AND key = ?"
                       " AND status IS NULL", (owner, key))
