"""The event store on PostgreSQL: the library's recorder, with a save in one round trip.

A database function takes the log's lock, checks that the records the save relies on are
unchanged (see infra/sqlite_recorder.py), notifies the projection runners, inserts the
events and marks the idempotent request (infra/requests.py), all in one statement; reads of
one record use statements made once per shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.errors import RaiseException
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

from domain.errors import RecordChangedError
from infra.requests import TABLE, RequestAlreadyRecorded, marked_with, request_to_mark


class PostgresRecorder(PostgresApplicationRecorder):
    """One round trip per save: a database function takes the log's lock, notifies the
    projection workers, inserts the events and marks the request, all in one statement (so
    one transaction). The library's recorder takes five statements and two round trips for
    the same; this is most of a command's cost (measured in bench/http_api.py). A request
    found already marked, or a record relied on found changed, stops the function, and
    nothing of the save is kept."""

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
        # Before 2026-12-05 the function had no `unchanged` check, and six arguments.
        self.sql_create_statements.append(SQL(
            "DROP FUNCTION IF EXISTS {schema}.{function}({schema}.{event}[], text, bigint,"
            " text, text, text)").format(**names))
        self.sql_create_statements.append(SQL(INSERT_FUNCTION).format(
            lock_timeout=Literal(f"{datastore.lock_timeout}s"),
            already_recorded=Literal(ALREADY_RECORDED), changed=Literal(CHANGED), **names))
        self.insert_and_mark = SQL(
            "SELECT * FROM {schema}.{function}(%s, %s, %s, %s, %s, %s, %s, %s)").format(**names
                                                                              ).as_bytes(None)
        self.select_record = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{events}"
            " WHERE originator_id = %s").format(**names)
        self.select_statements: dict[tuple, bytes] = {}

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(self, originator_id: Any, *, gt: int | None = None,
                      lte: int | None = None, desc: bool = False,
                      limit: int | None = None) -> Sequence[StoredEvent]:
        """One record's events, as the library reads them, with each shape of statement
        made once rather than composed anew on every read (a command reads two records)."""
        shape = (gt is not None, lte is not None, desc, limit is not None)
        statement = self.select_statements.get(shape) or self._select_statement(shape)
        params = [originator_id, *(value for value in (gt, lte, limit) if value is not None)]
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as c:
            c.execute(statement, params, prepare=True)
            return [StoredEvent(originator_id=record, originator_version=version, topic=topic,
                                state=bytes(state)) for record, version, topic, state in c]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_entry(self, originator_id: UUID, version: int) -> Notification | None:
        """One stored event with its log position (for the leaf hash a signature covers)."""
        statement = SQL("SELECT notification_id, topic, state FROM {schema}.{events}"
                        " WHERE originator_id = %s AND originator_version = %s").format(
            schema=Identifier(self.datastore.schema), events=Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as c:
            c.execute(statement, (originator_id, version))
            row = c.fetchone()
        return row and Notification(id=row[0], originator_id=originator_id,
                                    originator_version=version, topic=row[1],
                                    state=bytes(row[2]))

    def _select_statement(self, shape: tuple[bool, bool, bool, bool]) -> bytes:
        after, up_to, descending, limited = shape
        statement = self.select_record
        if after:
            statement += SQL(" AND originator_version > %s")
        if up_to:
            statement += SQL(" AND originator_version <= %s")
        statement += SQL(" ORDER BY originator_version DESC" if descending
                         else " ORDER BY originator_version ASC")
        if limited:
            statement += SQL(" LIMIT %s")
        self.select_statements[shape] = statement.as_bytes(None)
        return self.select_statements[shape]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      unchanged: Mapping[UUID, int] | None = None, **kwargs: Any
                      ) -> Sequence[int] | None:
        if not stored_events:
            return []
        unchanged = unchanged or {}
        request = request_to_mark()
        mark = ((*marked_with(stored_events), request.owner, request.key, request.run)
                if request else (None,) * 5)
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic,
                                               e.state) for e in stored_events]
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as c:
            try:
                c.execute(self.insert_and_mark, (rows, *mark, list(unchanged),
                                                 list(unchanged.values())), prepare=True)
            except RaiseException as error:
                if request is not None and error.diag.message_primary == ALREADY_RECORDED:
                    raise RequestAlreadyRecorded(request.key) from None
                if error.diag.message_primary == CHANGED:
                    raise RecordChangedError(f"{', '.join(map(str, unchanged))} changed"
                                             ) from None
                raise
            positions = [position for (position,) in c.fetchall()]
        if request is not None:
            request.recorded = True
        return positions


ALREADY_RECORDED = "mesoledger: the idempotent request is already recorded"
CHANGED = "mesoledger: a record the save relies on has changed"
INSERT_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.{function}(
    new_events {schema}.{event}[], record text, version bigint,
    request_owner text, request_key text, request_run text,
    unchanged_records uuid[], unchanged_versions bigint[])
RETURNS SETOF bigint LANGUAGE plpgsql AS $body$
DECLARE
    positions bigint[];
BEGIN
    SET LOCAL lock_timeout = {lock_timeout};
    -- One writer at a time: positions then become visible in order, so a reader that
    -- follows the log never skips a position that a slower transaction commits later.
    LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;
    -- Under the lock no other save can start, and each statement of this (volatile)
    -- function reads the newest saves: the connections are READ COMMITTED.
    IF EXISTS (SELECT FROM unnest(unchanged_records, unchanged_versions) AS u(id, version)
               WHERE (SELECT max(originator_version) FROM {schema}.{events}
                      WHERE originator_id = u.id) IS DISTINCT FROM u.version) THEN
        RAISE EXCEPTION {changed};
    END IF;
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
