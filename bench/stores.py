"""Throw-away databases for benchmarks: a temporary SQLite file or a fresh PostgreSQL schema."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg

DATABASE = "mesoledger_bench"
SERVER = "host=127.0.0.1 port=5432 user=postgres"


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_url() -> Iterator[str]:
    with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (DATABASE,)).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")
    schema = f"b_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{SERVER} dbname={DATABASE}", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{DATABASE}?schema={schema}"
    finally:
        with psycopg.connect(f"{SERVER} dbname={DATABASE}", autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def settle_postgres() -> None:
    """Write out what earlier benchmarks left in PostgreSQL's buffers (a million events and
    a dropped schema, say) now, rather than in the background during this measurement."""
    with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as conn:
        conn.execute("CHECKPOINT")


BACKENDS = {"postgres": postgres_url, "sqlite": sqlite_url}


def rate(count: int, work: Callable[[int], object]) -> float:
    """Operations per second of `work(i)` for i in range(count)."""
    started = time.perf_counter()
    for i in range(count):
        work(i)
    return count / (time.perf_counter() - started)


def seconds(work: Callable[[], object], repeat: int) -> float:
    """Best-of-`repeat` wall time of one call."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best
