"""Wiring: ClinicalRecords on the configured database, with its key vault, as the server
runs them (infra/served_records.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from infra.collector import collect_less_often
from infra.database import Database
from infra.keys import open_key_vault
from infra.outages import reconnect_every_second
from infra.served_records import ServedRecords
from infra.settings import Settings
from infra.table_setup import creating_tables

# The library's recorders, plus marking an idempotent request in its events' transaction.
RECORDERS = {True: "infra.postgres_recorder:PostgresRecorder",
             False: "infra.sqlite_recorder:SQLiteRecorder"}


def library_env(settings: Settings) -> dict[str, str]:
    database = Database(settings.database_url)
    env = database.library_env() | {"APPLICATION_RECORDER_TOPIC": RECORDERS[database.is_postgres]}
    # Cached records are fast-forwarded from the store on every load, so a cache is safe
    # with several processes writing; it saves decoding the snapshot on each command.
    if settings.record_cache_size:
        env["AGGREGATE_CACHE_MAXSIZE"] = str(settings.record_cache_size)
    if settings.cipher_key:
        env |= {"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
                "CIPHER_KEY": settings.cipher_key}
    return env


def open_records(settings: Settings, clock: Callable[[], datetime] | None = None
                 ) -> ServedRecords:
    """The clinic's records on the configured database (created on first use). Tunes the
    process that opens them, too: pools reconnect once a second, and the cycle collector
    runs less often (infra/collector.py)."""
    reconnect_every_second()
    collect_less_often()
    env = library_env(settings)  # first: it makes the SQLite file's directory
    options = {"clock": clock} if clock else {}
    with creating_tables(Database(settings.database_url)):
        vault = open_key_vault(settings)  # first: refuses, writing nothing, without its KEK
        return ServedRecords(env, vault=vault, policy=settings.policy,
                             snapshot_interval=settings.snapshot_interval, **options)
