"""The errors that mean "the database is away", whichever driver raised them."""

from __future__ import annotations

import select
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


def check_if_cut_off(conn: psycopg.Connection) -> None:
    """A connection pool's check before it lends a connection, without a round trip per
    loan. An idle connection has nothing to read unless the server spoke: when it shuts
    down or cuts the connection off it says so and closes, and then the full check fails
    and the pool opens a fresh connection instead."""
    if conn.closed or _has_input(conn.fileno()):
        psycopg_pool.ConnectionPool.check_connection(conn)


def _has_input(fd: int) -> bool:
    readable = select.poll()  # not select.select: it cannot take descriptors past 1023
    readable.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(readable.poll(0))
