"""The errors that mean "the database is away", whichever driver raised them."""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg_pool
from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg_pool.base import AttemptWithBackoff

DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError,
    psycopg_pool.PoolTimeout, sqlite3.OperationalError,
)


def reconnect_every_second() -> None:
    """While the database is away, make every connection pool in this process (ours and
    the eventsourcing library's) try to reconnect once a second. psycopg_pool's default
    doubles the pause each time (1, 2, 4 … 32 s), so after a 40-second outage a clinic
    would wait another half minute for answers; an attempt a second per pool costs nothing."""
    AttemptWithBackoff.DELAY_BACKOFF = 1.0
