"""The database the read models live in: one small interface over SQLite and PostgreSQL.

Projections write portable SQL with `?` placeholders; this module is the only place that
knows the drivers. A view transaction commits the view's rows and its tracking position
together, which is what makes a projection exactly-once. New rows go in with `insert`: many
rows to a statement on SQLite, one COPY on PostgreSQL (not a round trip per row).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from infra.database import Database
from infra.outages import check_if_cut_off

SQLITE_VALUES = 999
"""Values in one SQLite statement (the oldest versions' limit). New rows go in as many to a
statement as fit: one step for many rows, not one each (about 5% of a SQLite catch-up)."""
POSTGRES_VALUES = 200
"""Up to this many values, new PostgreSQL rows go in one INSERT (one round trip); more go by
COPY, which costs a round trip more to start but less a row: 20 rows of 9 columns take as
long either way, 100 rows two thirds as long by COPY (bench/view_statements.py)."""
APPLICATION_NAME = "mesoledger-views"
"""How the pool's connections are named in pg_stat_activity."""


class SqlTransaction:
    """One open transaction on the view database."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self._cursor = cursor
        self._postgres = postgres

    def _sql(self, sql: str) -> str:
        return _numbered(sql) if self._postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(self._sql(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor.executemany(self._sql(sql), rows)

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Add rows to a table, as fast as the driver allows. `rows` may be a generator (that
        does not use this transaction): on PostgreSQL each row is on its way to the server
        while the next is made, so the server stores while the view computes."""
        names = ", ".join(columns)
        if isinstance(rows, Sequence) and not rows:
            return  # an empty COPY would still cost a round trip
        if not self._postgres:
            rows, per = list(rows), max(1, SQLITE_VALUES // len(columns))
            marks = f"({', '.join('?' * len(columns))})"
            for start in range(0, len(rows), per):
                chunk = rows[start:start + per]
                self._cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(chunk))}",
                    [value for row in chunk for value in row])
            return
        if isinstance(rows, Sequence) and len(rows) * len(columns) <= POSTGRES_VALUES:
            # A few rows: one INSERT is one round trip, where COPY takes several.
            marks = f"({', '.join('?' * len(columns))})"
            self._cursor.execute(
                _numbered(f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(rows))}"),
                [value for row in rows for value in row])
            return
        with self._cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        self._cursor.execute(self._sql(sql), params)
        return [tuple(row) for row in self._cursor.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def keys_in(self, columns: tuple[str, ...], count: int) -> str:
        """`count` keys of these columns, as each database looks them up in an index fastest:
        keys of several columns are a row value in a VALUES list on PostgreSQL (300 keys
        planned and found in half the time of OR'd conditions), but OR'd conditions on
        SQLite, which scans the whole table for the row value."""
        if len(columns) == 1:
            return f"{columns[0]} IN ({', '.join('?' * count)})"
        if self._postgres:
            key = f"({', '.join('?' * len(columns))})"
            return f"({', '.join(columns)}) IN (VALUES {', '.join([key] * count)})"
        key = " AND ".join(f"{column} = ?" for column in columns)
        return f"(({') OR ('.join([key] * count)}))"

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


def _numbered(sql: str) -> str:
    """`?` as PostgreSQL's own `$1, $2, …`, for a raw cursor: psycopg's `%s` is parsed anew on
    every execution of a long statement (its cache keeps short ones only), and the views'
    statements of a few hundred keys or rows made that parse most of a batch's client time."""
    first, *rest = sql.split("?")
    return first + "".join(f"${number}{part}" for number, part in enumerate(rest, 1))


class ViewDatabase:
    """Connections to where the views live (the event database by default).

    PostgreSQL: a bounded pool. A transaction borrows a connection for its duration only and
    waits at most `wait_seconds` for one (then psycopg_pool.PoolTimeout: "the database is
    away", a 503); a connection the server cut off (a restart) is replaced before it is
    lent, so the next transaction reconnects. SQLite: one connection per thread, as a file needs;
    closing closes every thread's (the server's worker threads end with the app, not before).
    """

    def __init__(self, url: str, pool_size: int = 10, wait_seconds: float = 10.0,
                 application_name: str = APPLICATION_NAME) -> None:
        self.database = Database(url)
        self.is_postgres = self.database.is_postgres
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []  # every thread's SQLite connection
        self._opening = threading.Lock()
        self._pool = (_pool(self.database, pool_size, wait_seconds, application_name)
                      if self.is_postgres else None)

    @contextmanager
    def transaction(self, write: bool = True, durable: bool = True,
                    snapshot: bool = False) -> Iterator[SqlTransaction]:
        """One transaction. `durable=False` commits without waiting for the disk: a crash
        may then undo the whole transaction (never part of it), so use it only for work
        that is redone when lost, such as a view batch together with its position.
        `snapshot`: every read sees the views as of the first (SQLite's read transactions
        always do; PostgreSQL's only at REPEATABLE READ)."""
        if self.is_postgres:
            with self._borrowed() as conn, conn.transaction(), psycopg.RawCursor(conn) as cursor:
                if snapshot:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                if not durable:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                yield SqlTransaction(cursor, postgres=True)
            return
        conn = self._sqlite_connection()
        with _sqlite_sync(conn, durable):
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield SqlTransaction(cursor, postgres=False)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """One statement's rows. On PostgreSQL it runs on its own, one round trip rather
        than three (inside a transaction of this thread's, it reads in that one)."""
        if not self.is_postgres:
            with self.transaction(write=False) as tx:
                return tx.rows(sql, params)
        with self._borrowed() as conn, psycopg.RawCursor(conn) as cursor:
            return SqlTransaction(cursor, postgres=True).rows(sql, params)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            return
        with self._opening:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local.conn = None

    @contextmanager
    def _borrowed(self) -> Iterator[psycopg.Connection]:
        """A pooled connection, back to the pool when the transaction ends. A transaction
        opened inside another on the same thread shares its connection (a savepoint), so it
        sees the outer one's rows and cannot wait on the pool, or on them, forever."""
        lent = getattr(self._local, "lent", None)
        if lent is not None:
            yield lent
            return
        with self._pool.connection() as conn:
            self._local.lent = conn
            try:
                yield conn
            finally:
                self._local.lent = None

    def _sqlite_connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.database.sqlite_path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
            with self._opening:
                self._opened.append(conn)
        return conn


def _pool(database: Database, size: int, wait_seconds: float,
          application_name: str) -> ConnectionPool:
    # Autocommit: a lone read needs no BEGIN and COMMIT; transactions say so themselves.
    return ConnectionPool(database.postgres_conninfo(), min_size=1, max_size=size,
                          kwargs={"application_name": application_name, "autocommit": True},
                          timeout=wait_seconds, check=check_if_cut_off,
                          name=application_name, open=True)


@contextmanager
def _sqlite_sync(conn: sqlite3.Connection, durable: bool) -> Iterator[None]:
    """In WAL mode, synchronous NORMAL skips the fsync at commit (a crash loses at most the
    latest transactions, whole); FULL, SQLite's default, waits for it."""
    if durable:
        yield
        return
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        conn.execute("PRAGMA synchronous = FULL")
