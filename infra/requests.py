"""Which idempotent request recorded which events, written in the events' own transaction.

An HTTP write with an Idempotency-Key claims a row in `idempotent_requests` first (see
infra/idempotency.py), then runs its command `on_behalf_of` that row. The first save the
command makes marks the row with the record, version and log position it stored, in the
same transaction as the events: so a key is marked if and only if its events exist. A
second save for the same key (a retry that raced the first, or took over from a server
that died) finds the row already marked and is rolled back with RequestAlreadyRecorded:
nothing is recorded twice, whatever happened to the first server.

The recorders below are the eventsourcing library's own, plus that one statement.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

TABLE = "idempotent_requests"
MARK = (f"UPDATE {TABLE} SET record_id = ?, record_version = ?, record_position = ?"
        " WHERE owner = ? AND key = ? AND run = ? AND record_id IS NULL")


class RequestAlreadyRecorded(Exception):  # noqa: N818 (a fact, not a failure)
    """This run of an idempotent request may not record: another run already did, or took
    the key over from this one (the transaction is rolled back)."""


@dataclass
class PendingRequest:
    """One run of a keyed request. `run` fences it: only the run that holds the key now
    may mark it, so a run that was taken over can never record behind its successor."""

    owner: str
    key: str
    run: str
    recorded: bool = False


_pending: ContextVar[PendingRequest | None] = ContextVar("pending_request", default=None)


@contextmanager
def on_behalf_of(owner: str, key: str, run: str) -> Iterator[PendingRequest]:
    """Saves made in this context (and the threads it hands work to) mark this request."""
    request = PendingRequest(owner, key, run)
    token = _pending.set(request)
    try:
        yield request
    finally:
        _pending.reset(token)


def _to_mark() -> PendingRequest | None:
    request = _pending.get()
    return request if request is not None and not request.recorded else None


def _mark(stored_events: Sequence[StoredEvent], request: PendingRequest,
          position: int | None) -> tuple:
    """The MARK parameters: the first record saved, its last version, the save's position."""
    record = stored_events[0].originator_id
    version = max(e.originator_version for e in stored_events if e.originator_id == record)
    return str(record), version, position, request.owner, request.key, request.run


class _MarksItsRequest:
    """Hands the pending request to the recorder's hooks below; notes once it is stored."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        request = _to_mark()
        positions = super().insert_events(stored_events, request=request, **kwargs)
        if request is not None and stored_events:
            request.recorded = True
        return positions


class SQLiteRecorder(_MarksItsRequest, SQLiteApplicationRecorder):
    def _insert_events(self, c, stored_events: Sequence[StoredEvent],
                       request: PendingRequest | None = None, **kwargs: Any
                       ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if request is not None and stored_events:
            c.execute(MARK, _mark(stored_events, request, positions[-1]))
            if c.sqlite_cursor.rowcount != 1:
                raise RequestAlreadyRecorded(request.key)  # the transaction rolls back
        return positions


class PostgresRecorder(_MarksItsRequest, PostgresApplicationRecorder):
    """The key is marked before the events go in (so a duplicate stops the transaction
    before anything is written); the position is added once the events have their ids."""

    def _insert_events(self, curs, stored_events: Sequence[StoredEvent],
                       request: PendingRequest | None = None, **kwargs: Any) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        if request is not None and stored_events:
            curs.execute(self._sql(MARK + " RETURNING key"), _mark(stored_events, request, None))
            if curs.fetchone() is None:
                raise RequestAlreadyRecorded(request.key)  # the transaction rolls back

    def _fetch_ids_after_insert_events(self, curs, stored_events: Sequence[StoredEvent],
                                       request: PendingRequest | None = None, **kwargs: Any
                                       ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if request is not None and positions:
            curs.execute(self._sql(f"UPDATE {TABLE} SET record_position = ?"
                                   " WHERE owner = ? AND key = ? AND run = ?"),
                         (positions[-1], request.owner, request.key, request.run))
        return positions

    def _sql(self, statement: str) -> SQL:
        qualified = statement.replace(TABLE, "{schema}." + TABLE).replace("?", "%s")
        return SQL(qualified).format(schema=Identifier(self.datastore.schema))
