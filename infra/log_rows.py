"""The log as stored, row by row, for `verify`: position, record id as text, version, topic
and state bytes, read in batches.

The library's `select_notifications` builds a Notification and a UUID for every row, and
`verify` turns the UUID straight back into text for the event's leaf: at a million events
that was a third of its time (bench/evidence.py). Here the database gives the record id as
the text `str(UUID)` writes, without either object: PostgreSQL casts its uuid column to
text, and SQLite puts the hyphens into the 32 hex digits the library stores. An id stored in
any other form is given as stored, so its leaf differs from the one signed and `verify`
names the row (the library's read would have crashed on it, or quietly normalised it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

Row = tuple[int, str, int, str, bytes]
"""position, record id (as str(UUID) writes it), version, topic, state"""

HYPHENATED = ("CASE WHEN length(originator_id) = 32 AND originator_id NOT GLOB '*[^0-9a-f]*'"
              " THEN substr(originator_id, 1, 8) || '-' || substr(originator_id, 9, 4) || '-'"
              " || substr(originator_id, 13, 4) || '-' || substr(originator_id, 17, 4) || '-'"
              " || substr(originator_id, 21) ELSE originator_id END")
"""The record id as `str(UUID)` writes it, from the 32 lowercase hex digits SQLite holds."""


def log_rows(recorder: Any, batch: int = 5000) -> Iterator[Row]:
    """Every stored event in log order, `batch` rows a read (the first read has no lower
    bound: a row slipped in below the first position is read too)."""
    for rows in log_batches(recorder, batch):
        yield from rows


def log_batches(recorder: Any, batch: int = 5000) -> Iterator[list[Row]]:
    """The same rows, a read at a time (so a reader can tell how far it has got)."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        read = _sqlite(recorder)
    elif isinstance(recorder, PostgresApplicationRecorder):
        read = _postgres(recorder)
    else:
        read = _library(recorder)
    after = None
    while rows := read(after, batch):
        yield rows
        after = rows[-1][0]


def log_length(recorder: Any) -> int:
    """How many events are stored now (counted, not the last position: positions may skip)."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT count(*) FROM {recorder.events_table_name}")
            return cursor.fetchone()[0]
    if isinstance(recorder, PostgresApplicationRecorder):
        count = SQL("SELECT count(*) FROM {schema}.{table}").format(
            schema=Identifier(recorder.datastore.schema),
            table=Identifier(recorder.events_table_name))
        with (recorder.datastore.get_connection() as conn,
              conn.cursor(row_factory=tuple_row) as cursor):
            cursor.execute(count)
            return cursor.fetchone()[0]
    return recorder.max_notification_id() or 0


def _sqlite(recorder: SQLiteApplicationRecorder):
    select = (f"SELECT rowid, {HYPHENATED}, originator_version, topic, state FROM"
              f" {recorder.events_table_name}")

    def read(after: int | None, limit: int) -> list[Row]:
        where, params = ("", (limit,)) if after is None else ("WHERE rowid > ?", (after, limit))
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.sqlite_cursor.row_factory = None  # plain tuples, not sqlite3.Row
            cursor.execute(f"{select} {where} ORDER BY rowid LIMIT ?", params)
            return cursor.fetchall()

    return read


def _postgres(recorder: PostgresApplicationRecorder):
    select = SQL("SELECT notification_id, originator_id::text, originator_version, topic, state"
                 " FROM {schema}.{table}").format(schema=Identifier(recorder.datastore.schema),
                                                  table=Identifier(recorder.events_table_name))
    first = select + SQL(" ORDER BY notification_id LIMIT %s")
    then = select + SQL(" WHERE notification_id > %s ORDER BY notification_id LIMIT %s")

    def read(after: int | None, limit: int) -> list[Row]:
        statement, params = (first, (limit,)) if after is None else (then, (after, limit))
        with (recorder.datastore.get_connection() as conn,
              conn.cursor(row_factory=tuple_row) as cursor):
            cursor.execute(statement, params, prepare=True)
            return [(position, record, version, topic, bytes(state))
                    for position, record, version, topic, state in cursor.fetchall()]

    return read


def _library(recorder: Any):
    def read(after: int | None, limit: int) -> list[Row]:
        return [(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
                for n in recorder.select_notifications(after, limit, inclusive_of_start=False)]

    return read
