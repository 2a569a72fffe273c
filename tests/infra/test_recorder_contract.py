"""Our event stores keep the eventsourcing library's recorder contract: the library's own
`ApplicationRecorderTestCase`, run once per backend against the recorders the clinic's
records are wired with (a fresh SQLite file, a fresh PostgreSQL schema, per test)."""

from __future__ import annotations

import threading
from tempfile import TemporaryDirectory
from urllib.parse import urlsplit

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests import persistence as contract

from infra.database import Database
from infra.postgres_recorder import PostgresRecorder
from infra.sqlite_recorder import SQLiteRecorder
from tests.conftest import postgres_schema


def readers_stopped(before: set[threading.Thread]) -> None:
    """Wait for the threads a test started (not daemons, such as a pool's workers) to end.
    The library's concurrency test tells its reader threads to stop but does not wait for
    them, so the store was closed under a reader still in a query: with SQLite that crashed
    the whole test run (a segfault in sqlite3, on a loaded machine)."""
    for thread in set(threading.enumerate()) - before:
        if not thread.daemon:
            thread.join(timeout=30)


class TestSQLiteRecorderKeepsTheLibrarysContract(
        contract.ApplicationRecorderTestCase[SQLiteRecorder]):

    def setUp(self) -> None:
        directory = self.enterContext(TemporaryDirectory())
        # As the clinic's records open it (infra/database.py), with a pool as large as the
        # library's own run of this contract takes (100): with fewer connections than the
        # contract's threads, connections made and closed beyond the pool crashed sqlite3
        # in a reader thread (a segfault, on a loaded machine).
        self.datastore = SQLiteDatastore(f"{directory}/events.db", lock_timeout=30,
                                         pool_size=100)
        self.addCleanup(self.datastore.close)
        self.addCleanup(readers_stopped, set(threading.enumerate()))  # runs first

    def create_recorder(self) -> SQLiteRecorder:
        recorder = SQLiteRecorder(self.datastore)
        recorder.create_table()
        return recorder


class TestPostgresRecorderKeepsTheLibrarysContract(
        contract.ApplicationRecorderTestCase[PostgresRecorder]):

    def setUp(self) -> None:
        database = Database(self.enterContext(postgres_schema()))
        parts = urlsplit(database.url)
        self.datastore = PostgresDatastore(
            parts.path.lstrip("/"), parts.hostname, parts.port, parts.username, "",
            schema=database.schema, pool_size=2, max_overflow=12)
        self.addCleanup(self.datastore.close)  # before the schema is dropped
        self.addCleanup(readers_stopped, set(threading.enumerate()))  # runs first

    def create_recorder(self) -> PostgresRecorder:
        recorder = PostgresRecorder(self.datastore, events_table_name="stored_events")
        recorder.create_table()
        return recorder

    def test_insert_subscribe(self) -> None:
        """The library runs this one for its PostgreSQL recorder: a subscriber hears every
        save, on our channel (named after the schema too)."""
        self.optional_test_insert_subscribe()
