"""One active runner per database, and a way for it to sleep until something is recorded.

PostgreSQL: a session advisory lock, and LISTEN on the channel the event store NOTIFYs.
SQLite: an exclusive lock on a file beside the database, and a short poll.
"""

from __future__ import annotations

import fcntl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from infra.database import Database


class RunnerLock:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.key = zlib.crc32(f"mesoledger-projections:{database.schema}".encode())

    @contextmanager
    def held(self, stop: threading.Event, retry: float = 0.5) -> Iterator[bool]:
        """Stand by until this runner is the active one (True), or until `stop` (False)."""
        if self.database.is_postgres:
            with psycopg.connect(self.database.postgres_conninfo(), autocommit=True) as conn:
                acquire = "SELECT pg_try_advisory_lock(%s)"
                while not conn.execute(acquire, (self.key,)).fetchone()[0]:
                    if stop.wait(retry):
                        break
                yield not stop.is_set()
            return
        path = self.database.sqlite_path.with_name(self.database.sqlite_path.name + ".runner")
        with open(path, "w") as handle:
            while not _try_flock(handle) and not stop.wait(retry):
                pass
            yield not stop.is_set()

    @contextmanager
    def waiter(self, channel: str) -> Iterator[Waiter]:
        """Something to sleep on until news: NOTIFY on PostgreSQL, a poll on SQLite."""
        if not self.database.is_postgres:
            yield Waiter()
            return
        with psycopg.connect(self.database.postgres_conninfo(), autocommit=True) as conn:
            conn.execute(f'LISTEN "{channel}"')
            yield NotifyWaiter(conn)


def _try_flock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


class Waiter:
    def wait(self, timeout: float) -> None:
        threading.Event().wait(timeout)

    def forget_news(self) -> None:
        """Drop news already received (the runner is about to read the log anyway)."""


class NotifyWaiter(Waiter):
    """Wakes as soon as the event store NOTIFYs its channel, or after the timeout."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def wait(self, timeout: float) -> None:
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            pass

    def forget_news(self) -> None:
        """Each save NOTIFYs once; without this, a catch-up that applied twenty saves
        would be followed by twenty wake-ups that find nothing new."""
        for _ in self.conn.notifies(timeout=0):
            pass
