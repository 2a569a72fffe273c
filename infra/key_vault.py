"""The key vault: one AES-256 key per patient in its own table, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from uuid import UUID

from psycopg_pool import ConnectionPool

from infra.database import Database
from infra.outages import check_if_cut_off

TABLE = ("CREATE TABLE IF NOT EXISTS patient_keys ("
         " patient_id TEXT PRIMARY KEY, data_key {blob}, destroyed_at TEXT)")
INSERT = "INSERT INTO patient_keys (patient_id, data_key) VALUES ({p}, {p})"
SELECT = "SELECT data_key FROM patient_keys WHERE patient_id = {p}"
DESTROY = ("UPDATE patient_keys SET data_key = NULL, destroyed_at = {p}"
           " WHERE patient_id = {p}")


POOL_SIZE = 4  # each lookup is one short statement
WAIT_SECONDS = 10.0  # for a pooled connection, before the database counts as away (503)


class SqlKeyVault:
    """Keys never enter the event store; destroying one erases the patient's personal data.

    SQLite: one connection per thread, never shared under a lock: a view being built holds
    the file's write lock while it unseals names, and a thread registering a patient must
    be able to wait for that lock without holding the vault from the view."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.placeholder = "%s" if database.is_postgres else "?"
        if database.is_postgres:
            self._pool = ConnectionPool(database.postgres_conninfo(), min_size=1,
                                        max_size=POOL_SIZE, timeout=WAIT_SECONDS, open=True,
                                        check=check_if_cut_off,
                                        kwargs={"autocommit": True})
            self._connection = self._pool.connection
        else:
            self._local, self._opened = threading.local(), []
            self._connection = self._sqlite_connection
        self._execute(TABLE.format(blob="BYTEA" if database.is_postgres else "BLOB"))

    def create_key(self, patient_id: UUID) -> bytes:
        key = os.urandom(32)
        self._execute(INSERT, (str(patient_id), key))
        return key

    def key_for(self, patient_id: UUID) -> bytes | None:
        row = self._execute(SELECT, (str(patient_id),))
        return bytes(row[0]) if row and row[0] is not None else None

    def destroy_key(self, patient_id: UUID) -> None:
        self._execute(DESTROY, (datetime.now(UTC).isoformat(), str(patient_id)))

    def close(self) -> None:
        if self.database.is_postgres:
            self._pool.close()
        else:
            for conn in self._opened:
                conn.close()

    def _execute(self, sql: str, params: tuple = ()):
        with self._connection() as conn:
            cursor = conn.execute(sql.format(p=self.placeholder), params)
            return cursor.fetchone() if cursor.description else None

    @contextmanager
    def _sqlite_connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(
                self.database.sqlite_path, check_same_thread=False, isolation_level=None,
                timeout=30)
            self._opened.append(conn)
        yield conn

