"""One process at a time creates a PostgreSQL schema's tables.

Every process creates what it needs when it starts (CREATE … IF NOT EXISTS, and the
eventsourcing library's table, type and function). Two processes doing that at the same
moment can fail even when everything exists already: the second one's statement finds the
catalog row the first is rewriting ("tuple concurrently updated"), and a worker or API
process started next to another would die at start. So the DDL of a start-up runs under a
session advisory lock per database and schema. SQLite serializes it by itself.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from infra.database import Database


@contextmanager
def creating_tables(database: Database) -> Iterator[None]:
    """Hold the schema's set-up lock (PostgreSQL) while the body creates tables. Not to be
    nested for the same schema: each holds the lock on a connection of its own."""
    if not database.is_postgres:
        yield
        return
    key = zlib.crc32(f"mesoledger-tables:{database.schema}".encode())
    with psycopg.connect(database.postgres_conninfo(), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        yield  # leaving closes the connection, which lets go of the lock
