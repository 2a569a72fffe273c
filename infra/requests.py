"""Which idempotent request recorded which events, written in the events' own transaction.

An HTTP write with an Idempotency-Key claims a row in `idempotent_requests` first (see
infra/idempotency.py), then runs its command `on_behalf_of` that row. The first save the
command makes marks the row with the record, version and log position it stored, in the
same transaction as the events: so a key is marked if and only if its events exist. A
second save for the same key (a retry that raced the first, or took over from a server
that died) finds the row already marked and is rolled back with RequestAlreadyRecorded:
nothing is recorded twice, whatever happened to the first server.

The recorders that mark it: infra/sqlite_recorder.py and infra/postgres_recorder.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from eventsourcing.persistence import StoredEvent

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


def request_to_mark() -> PendingRequest | None:
    request = _pending.get()
    return request if request is not None and not request.recorded else None


def marked_with(stored_events: Sequence[StoredEvent]) -> tuple[str, int]:
    """What a request is marked with: the first record saved, and its last version."""
    record = stored_events[0].originator_id
    version = max(e.originator_version for e in stored_events if e.originator_id == record)
    return str(record), version
