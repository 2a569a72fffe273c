"""Idempotency keys: a retried POST gets the first answer and records nothing twice.

A key is claimed before the command runs (a unique row). The command's first save marks
the row in the same transaction as its events (infra/requests.py). After the command the
row is completed with the response, or released when the command was refused and recorded
nothing, so a corrected retry can run. A claim left behind by a server that died is taken
over after CLAIM_LEASE: if its events were stored the mark says so, and the retry is told
what was recorded; if not, the retry runs the command. Each run holds the key under its
own token, so a slow first run that was taken over can no longer record (infra/requests.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from domain.application import Recorded
from infra.requests import TABLE
from infra.views import ViewDatabase

CLAIM_LEASE = timedelta(seconds=5)
CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (owner TEXT NOT NULL, key TEXT NOT NULL,"
          " fingerprint TEXT NOT NULL, claimed_at TEXT NOT NULL, run TEXT NOT NULL,"
          " status INTEGER, body TEXT,"
          " record_id TEXT, record_version INTEGER, record_position INTEGER,"
          " PRIMARY KEY (owner, key))")
FIRST = ("SELECT fingerprint, claimed_at, run, status, body, record_id, record_version,"
         f" record_position FROM {TABLE} WHERE owner = ? AND key = ?")


@dataclass(frozen=True)
class FirstAnswer:
    """What the first request with this key was, and what became of it so far."""

    fingerprint: str
    claimed_at: str
    run: str
    status: int | None
    body: str | None
    recorded: Recorded | None  # what its command stored, once it has

    def abandoned(self, now: datetime) -> bool:
        """Claimed long ago and neither answered nor recorded: its server is gone."""
        return (self.status is None and self.recorded is None
                and datetime.fromisoformat(self.claimed_at) + CLAIM_LEASE < now)


def new_run() -> str:
    """The token one run of a keyed request holds the key under."""
    return uuid4().hex


class IdempotencyKeys:
    def __init__(self, views: ViewDatabase, clock=lambda: datetime.now(UTC)) -> None:
        self.views, self.clock = views, clock
        with views.transaction() as tx:
            tx.execute(CREATE)

    def claim(self, owner: str, key: str, fingerprint: str, run: str
              ) -> FirstAnswer | None:
        """Claim the key for this run; if it was claimed before, what became of that."""
        with self.views.transaction() as tx:
            tx.execute(f"INSERT INTO {TABLE} (owner, key, fingerprint, claimed_at, run)"
                       " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       (owner, key, fingerprint, self.clock().isoformat(), run))
            if tx.rowcount == 1:
                return None
            return self._first(tx, owner, key)

    def first(self, owner: str, key: str) -> FirstAnswer | None:
        with self.views.transaction(write=False) as tx:
            return self._first(tx, owner, key)

    def take_over(self, owner: str, key: str, first: FirstAnswer, run: str) -> bool:
        """Hold an abandoned key for this run (False if another retry was quicker); the
        abandoned run can no longer record."""
        if not first.abandoned(self.clock()):
            return False
        with self.views.transaction() as tx:
            tx.execute(f"UPDATE {TABLE} SET claimed_at = ?, run = ? WHERE owner = ?"
                       " AND key = ? AND run = ? AND status IS NULL AND record_id IS NULL",
                       (self.clock().isoformat(), run, owner, key, first.run))
            return tx.rowcount == 1

    def complete(self, owner: str, key: str, status: int, body: str) -> None:
        with self.views.transaction() as tx:
            tx.execute(f"UPDATE {TABLE} SET status = ?, body = ? WHERE owner = ? AND key = ?",
                       (status, body, owner, key))

    def release(self, owner: str, key: str, run: str) -> None:
        """Forget this run's claim when its command recorded nothing."""
        with self.views.transaction() as tx:
            tx.execute(f"DELETE FROM {TABLE} WHERE owner = ? AND key = ? AND run = ?"
                       " AND status IS NULL AND record_id IS NULL", (owner, key, run))

    @staticmethod
    def _first(tx, owner: str, key: str) -> FirstAnswer | None:
        row = tx.one(FIRST, (owner, key))
        if row is None:
            return None
        *answer, record_id, version, position = row
        recorded = Recorded(UUID(record_id), version, position) if record_id else None
        return FirstAnswer(*answer, recorded)
