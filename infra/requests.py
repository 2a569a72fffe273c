"""Which idempotent request recorded which events, written in the events' own transaction.

An HTTP write with an Idempotency-Key claims a row in `idempotent_requests` first (see
infra/idempotency.py), then runs its command `on_behalf_of` that row. The first save the
command makes marks the row with the record, version and log position it stored, in the
same transaction as the events: so a key is marked if and only if its events exist. A
second save for the same key (a retry that raced the first, or took over from a server
that died) finds the row already marked and is rolled back with RequestAlreadyRecorded:
nothing is recorded twice, whatever happened to the first server.

On SQLite the recorder is the eventsourcing library's own plus that one statement; on
PostgreSQL one database function does the library's work and the marking in one round trip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.errors import RaiseException
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

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


def _recorded(stored_events: Sequence[StoredEvent]) -> tuple[str, int]:
    """What a request is marked with: the first record saved, and its last version."""
    record = stored_events[0].originator_id
    version = max(e.originator_version for e in stored_events if e.originator_id == record)
    return str(record), version


class SQLiteRecorder(SQLiteApplicationRecorder):
    """The library's recorder, marking the pending request in the events' transaction."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        request = _to_mark()
        positions = super().insert_events(stored_events, request=request, **kwargs)
        if request is not None and stored_events:
            request.recorded = True
        return positions

    def _insert_events(self, c, stored_events: Sequence[StoredEvent],
                       request: PendingRequest | None = None, **kwargs: Any
                       ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if request is not None and stored_events:
            c.execute(MARK, (*_recorded(stored_events), positions[-1], request.owner,
                             request.key, request.run))
            if c.sqlite_cursor.rowcount != 1:
                raise RequestAlreadyRecorded(request.key)  # the transaction rolls back
        return positions


class PostgresRecorder(PostgresApplicationRecorder):
    """One round trip per save: a database function takes the log's lock, notifies the
    projection workers, inserts the events and marks the request, all in one statement (so
    one transaction). The library's recorder takes five statements and two round trips for
    the same; this is most of a command's cost (measured in bench/http_api.py). A request
    found already marked stops the function, and nothing of the save is kept."""

    FUNCTION = "mesoledger_insert_events"

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        # The library names the channel after the table alone, so stores in two schemas of
        # one database would wake each other's projection runners on every save.
        self.channel_name = f"{datastore.schema}_{self.channel_name}"
        names = {"schema": Identifier(datastore.schema), "function": Identifier(self.FUNCTION),
                 "events": Identifier(self.events_table_name),
                 "event": Identifier(self.stored_event_type_name),
                 "channel": Identifier(self.channel_name), "requests": Identifier(TABLE)}
        self.sql_create_statements.append(SQL(INSERT_FUNCTION).format(
            lock_timeout=Literal(f"{datastore.lock_timeout}s"),
            already_recorded=Literal(ALREADY_RECORDED), **names))
        self.insert_and_mark = SQL(
            "SELECT * FROM {schema}.{function}(%s, %s, %s, %s, %s, %s)").format(**names)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        if not stored_events:
            return []
        request = _to_mark()
        mark = ((*_recorded(stored_events), request.owner, request.key, request.run)
                if request else (None,) * 5)
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic,
                                               e.state) for e in stored_events]
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as c:
            try:
                c.execute(self.insert_and_mark, (rows, *mark), prepare=True)
            except RaiseException as error:
                if request is not None and error.diag.message_primary == ALREADY_RECORDED:
                    raise RequestAlreadyRecorded(request.key) from None
                raise
            positions = [position for (position,) in c.fetchall()]
        if request is not None:
            request.recorded = True
        return positions


ALREADY_RECORDED = "mesoledger: the idempotent request is already recorded"
INSERT_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.{function}(
    new_events {schema}.{event}[], record text, version bigint,
    request_owner text, request_key text, request_run text)
RETURNS SETOF bigint LANGUAGE plpgsql AS $body$
DECLARE
    positions bigint[];
BEGIN
    SET LOCAL lock_timeout = {lock_timeout};
    -- One writer at a time: positions then become visible in order, so a reader that
    -- follows the log never skips a position that a slower transaction commits later.
    LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;
    NOTIFY {channel};
    WITH inserted AS (
        INSERT INTO {schema}.{events} (originator_id, originator_version, topic, state)
        SELECT originator_id, originator_version, topic, state FROM unnest(new_events)
        RETURNING notification_id)
    SELECT array_agg(notification_id ORDER BY notification_id) INTO positions FROM inserted;
    IF request_owner IS NOT NULL THEN
        UPDATE {schema}.{requests}
           SET record_id = record, record_version = version,
               record_position = positions[array_upper(positions, 1)]
         WHERE owner = request_owner AND key = request_key AND run = request_run
           AND record_id IS NULL;
        IF NOT FOUND THEN
            RAISE EXCEPTION {already_recorded};
        END IF;
    END IF;
    RETURN QUERY SELECT unnest(positions);
END
$body$"""
