"""One parametrised fixture gives every store test a real SQLite file and real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from infra.projecting import open_runner
from infra.records import open_records
from infra.settings import Settings

# The browser harness: one Chromium (and one Playwright) for the whole session.
pytest_plugins = ["tests.browser"]

POSTGRES_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
TEST_DATABASE = "mesoledger_test"


class Clock:
    """The server's clock in tests: starts at a fixed instant and moves only when told."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def postgres_or_refuse() -> None:
    """Skip without PostgreSQL on a laptop; in CI a missing server fails the test."""
    try:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (TEST_DATABASE,)).fetchone()
            if not exists:
                _create_test_database(conn)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is required in CI: {error}")
        pytest.skip(f"PostgreSQL not reachable: {error}")


def _create_test_database(conn: psycopg.Connection) -> None:
    """Another test process (a pytest-xdist worker) may be creating it at the same moment:
    then theirs is the one."""
    try:
        conn.execute(f"CREATE DATABASE {TEST_DATABASE}")
    except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
        pass


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database (its URL), dropped afterwards."""
    postgres_or_refuse()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conninfo = f"host=127.0.0.1 port=5432 user=postgres dbname={TEST_DATABASE}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"postgresql://postgres@127.0.0.1:5432/{TEST_DATABASE}?schema={schema}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/mesoledger.db"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    """The store under test, with its checkpoint key and file in this test's own folder (the
    other keys stay under ./var, where the worker processes some tests start look too)."""
    return Settings(database_url=database_url,
                    signing_key_path=tmp_path / "keys" / "checkpoint-signing.key")


@pytest.fixture
def records(settings, clock):
    app = open_records(settings, clock=clock)
    yield app
    app.close()


@pytest.fixture
def clinic(records, clock):
    from tests.clinic import Clinic
    return Clinic(records, clock)


@pytest.fixture
def runner(records, settings):
    runner = open_runner(records, settings)
    yield runner
    runner.views.close()


@pytest.fixture
def views(runner):
    """Read a view after catching up with everything recorded so far."""

    def read(query, *args, **kwargs):
        runner.catch_up()
        with runner.views.transaction(write=False) as tx:
            return query(tx, *args, **kwargs)

    return read
