"""A few small tables kept beside the key vault (credentials, sign-in sessions): short
statements on SQLite or PostgreSQL, `?` placeholders on both."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from psycopg_pool import ConnectionPool

from infra.database import Database
from infra.outages import check_if_cut_off

POOL_SIZE = 4  # each use is one or two short statements
WAIT_SECONDS = 10.0


class SideDatabase:
    """Connections to the vault's database: a small pool (PostgreSQL) or one connection per
    thread (SQLite, deleted bytes zeroed in the file)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.is_postgres = database.is_postgres
        if self.is_postgres:
            self._pool = ConnectionPool(database.postgres_conninfo(), min_size=1,
                                        max_size=POOL_SIZE, timeout=WAIT_SECONDS, open=True,
                                        check=check_if_cut_off, kwargs={"autocommit": True})
        else:
            self._local, self._opened = threading.local(), []
            self._lock = threading.Lock()

    def execute(self, sql: str, params: Iterable = ()) -> int:
        """Run one statement; how many rows it changed."""
        with self._connection() as conn:
            return conn.execute(self._dialect(sql), tuple(params)).rowcount

    def rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._connection() as conn:
            return conn.execute(self._dialect(sql), tuple(params)).fetchall()

    def one(self, sql: str, params: Iterable = ()) -> tuple | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def close(self) -> None:
        if self.is_postgres:
            self._pool.close()
        else:
            for conn in self._opened:
                conn.close()

    def _dialect(self, sql: str) -> str:
        sql = sql.replace("{blob}", "BYTEA" if self.is_postgres else "BLOB")
        return sql.replace("?", "%s") if self.is_postgres else sql

    @contextmanager
    def _connection(self) -> Iterator:
        if self.is_postgres:
            with self._pool.connection() as conn:
                yield conn
            return
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(
                self.database.sqlite_path, check_same_thread=False, isolation_level=None,
                timeout=30)
            conn.execute("PRAGMA secure_delete = ON")
            with self._lock:
                self._opened.append(conn)
        yield conn
