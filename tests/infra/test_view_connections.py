"""The views' PostgreSQL connections: bounded, lent per transaction, back after a restart."""

from __future__ import annotations

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from infra.outages import DATABASE_UNAVAILABLE
from infra.views import ViewDatabase
from tests.conftest import POSTGRES_SERVER


@pytest.fixture
def pool_name() -> str:
    """This test's pool alone goes by this name (other runs share the server)."""
    return f"mesoledger-views-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def open_views(postgres_url, pool_name):
    opened: list[ViewDatabase] = []

    def open_(pool_size: int = 4, wait_seconds: float = 10.0) -> ViewDatabase:
        opened.append(ViewDatabase(postgres_url, pool_size, wait_seconds, pool_name))
        return opened[-1]

    yield open_
    for views in opened:
        views.close()


def connections(name: str) -> int:
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity"
                            " WHERE application_name = %s", (name,)).fetchone()[0]


def terminate(name: str) -> int:
    """What a server restart does to the pool: every connection cut (waits until gone)."""
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as conn:
        return len(conn.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                                " WHERE application_name = %s", (name,)).fetchall())


def test_fifty_threads_at_once_never_hold_more_connections_than_the_pool(open_views,
                                                                          pool_name):
    views = open_views(pool_size=4)
    with views.transaction() as tx:
        tx.execute("CREATE TABLE visits (visitor INTEGER PRIMARY KEY, seen INTEGER NOT NULL)")
    start, done, sampled = threading.Barrier(50, timeout=30), threading.Event(), []

    def visit(visitor: int) -> None:
        start.wait()
        with views.transaction() as tx:
            seen = tx.one("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?",
                          (pool_name,))[0]
            tx.execute("SELECT pg_sleep(0.02)")
            tx.execute("INSERT INTO visits (visitor, seen) VALUES (?, ?)", (visitor, seen))

    def watch() -> None:
        while not done.is_set():
            sampled.append(connections(pool_name))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(50) as threads:
            list(threads.map(visit, range(50)))
    finally:
        done.set()
        watcher.join()
    seen = [count for (count,) in views.rows("SELECT seen FROM visits")]
    assert len(seen) == 50
    assert 1 < max(seen) <= 4
    assert sampled and max(sampled) <= 4


def test_a_transaction_after_the_server_cut_every_connection_reconnects(open_views,
                                                                        pool_name):
    views = open_views()
    with views.transaction() as tx:
        tx.execute("CREATE TABLE notes (note TEXT NOT NULL)")
        before = tx.one("SELECT pg_backend_pid()")
    assert terminate(pool_name) >= 1
    with views.transaction() as tx:
        tx.execute("INSERT INTO notes (note) VALUES (?)", ("after the restart",))
        after = tx.one("SELECT pg_backend_pid()")
    assert after != before
    assert views.rows("SELECT note FROM notes") == [("after the restart",)]


def test_a_transaction_cut_off_midway_is_an_outage_and_leaves_nothing(open_views, pool_name):
    views = open_views()
    with views.transaction() as tx:
        tx.execute("CREATE TABLE notes (note TEXT NOT NULL)")
    with pytest.raises(DATABASE_UNAVAILABLE), views.transaction() as tx:
        tx.execute("INSERT INTO notes (note) VALUES (?)", ("lost",))
        terminate(pool_name)
        tx.execute("INSERT INTO notes (note) VALUES (?)", ("also lost",))
    assert views.rows("SELECT note FROM notes") == []


def test_a_caller_who_gets_no_connection_in_time_is_told_the_database_is_away(open_views):
    views = open_views(pool_size=1, wait_seconds=0.2)
    with views.transaction(), ThreadPoolExecutor(1) as other:
        waited = other.submit(views.rows, "SELECT 1")
        with pytest.raises(PoolTimeout):
            waited.result()
    assert isinstance(waited.exception(), DATABASE_UNAVAILABLE)
    assert views.rows("SELECT 1") == [(1,)]  # the connection went back when the first ended


def test_a_transaction_inside_another_on_one_thread_shares_its_connection(open_views):
    views = open_views(pool_size=1, wait_seconds=0.2)
    with views.transaction() as outer:
        outer.execute("CREATE TABLE notes (note TEXT NOT NULL)")
        outer.execute("INSERT INTO notes (note) VALUES (?)", ("not yet committed",))
        with views.transaction(write=False) as inner:
            assert inner.rows("SELECT note FROM notes") == [("not yet committed",)]


def test_only_a_non_durable_transaction_skips_waiting_for_the_disk(open_views):
    views = open_views(pool_size=1)
    with views.transaction(durable=False) as tx:
        assert tx.one("SHOW synchronous_commit") == ("off",)
    with views.transaction() as tx:  # the same connection, lent again
        assert tx.one("SHOW synchronous_commit") == ("on",)


def test_closing_the_views_closes_every_pooled_connection(open_views, pool_name):
    views = open_views(pool_size=4)
    with ThreadPoolExecutor(4) as threads:
        list(threads.map(lambda _: views.rows("SELECT pg_sleep(0.05)"), range(8)))
    assert connections(pool_name) >= 1
    views.close()
    deadline = time.monotonic() + 5
    while connections(pool_name) and time.monotonic() < deadline:
        time.sleep(0.01)  # a closed connection's server process exits just after
    assert connections(pool_name) == 0


def open_files(path) -> int:
    """How many of this process's file descriptors are open on `path`."""
    return sum(os.path.realpath(f"/proc/self/fd/{fd}") == str(path)
               for fd in os.listdir("/proc/self/fd"))


def test_closing_sqlite_views_closes_the_connection_of_every_thread_that_read(tmp_path):
    """The server reads views on its worker threads: closing the app must not leave their
    connections (and the database file) open behind it."""
    views = ViewDatabase(f"sqlite:///{tmp_path}/views.db")
    with views.transaction() as tx:
        tx.execute("CREATE TABLE visits (visitor INTEGER PRIMARY KEY)")
    with ThreadPoolExecutor(4) as threads:
        list(threads.map(lambda _: views.rows("SELECT count(*) FROM visits"), range(4)))
    assert open_files(tmp_path / "views.db") >= 2
    views.close()
    assert open_files(tmp_path / "views.db") == 0
