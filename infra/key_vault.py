"""The key vault: one AES-256 data key per patient, stored wrapped under the key-encryption
key (infra/key_encryption.py), on SQLite or PostgreSQL (its own connection settings).

A row holds the wrapped key and the id of the KEK that wraps it (NULL: a key stored
unwrapped by an earlier version, wrapped in place when the vault opens).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from uuid import UUID

from psycopg_pool import ConnectionPool

from infra.database import Database
from infra.key_encryption import KeyRing
from infra.outages import check_if_cut_off

TABLE = ("CREATE TABLE IF NOT EXISTS patient_keys ("
         " patient_id TEXT PRIMARY KEY, data_key {blob}, destroyed_at TEXT, kek_id TEXT)")
ADD_KEK_ID = "ALTER TABLE patient_keys ADD COLUMN kek_id TEXT"
BY_KEK = "CREATE INDEX IF NOT EXISTS patient_keys_by_kek ON patient_keys (kek_id)"
INSERT = "INSERT INTO patient_keys (patient_id, data_key, kek_id) VALUES ({p}, {p}, {p})"
SELECT = "SELECT patient_id, data_key, kek_id FROM patient_keys WHERE patient_id IN ({ids})"
DESTROY = ("UPDATE patient_keys SET data_key = NULL, destroyed_at = {p}"
           " WHERE patient_id = {p}")
IN_USE = "SELECT DISTINCT kek_id FROM patient_keys WHERE data_key IS NOT NULL"
NOT_UNDER = ("SELECT patient_id, data_key, kek_id FROM patient_keys WHERE data_key IS NOT NULL"
             " AND (kek_id IS NULL OR kek_id <> {p}) ORDER BY patient_id LIMIT {p}")
REWRAP = ("UPDATE patient_keys SET data_key = {p}, kek_id = {p}"
          " WHERE patient_id = {p} AND data_key IS NOT NULL AND kek_id {was}")
COLUMNS = {True: ("SELECT column_name FROM information_schema.columns WHERE"
                  " table_schema = current_schema() AND table_name = 'patient_keys'"),
           False: "SELECT name FROM pragma_table_info('patient_keys')"}

POOL_SIZE = 4  # each lookup is one short statement
WAIT_SECONDS = 10.0  # for a pooled connection, before the database counts as away (503)
PER_QUERY = 500  # patient ids in one lookup

RingFor = Callable[[frozenset[str]], KeyRing]
"""Given the ids of the KEKs the stored keys are wrapped under, the ring to open them with
(or KeyMissingError, before the vault has written anything)."""


class SqlKeyVault:
    """Keys never enter the event store; destroying one erases the patient's personal data.

    SQLite: one connection per thread, never shared under a lock: a view being built holds
    the file's write lock while it unseals names, and a thread registering a patient must
    be able to wait for that lock without holding the vault from the view. Deleted bytes
    are zeroed in the file (secure_delete), so a destroyed or rewrapped key leaves no trace.
    """

    def __init__(self, database: Database, ring_for: RingFor) -> None:
        self.database = database
        self.placeholder = "%s" if database.is_postgres else "?"
        if database.is_postgres:
            self._pool = ConnectionPool(database.postgres_conninfo(), min_size=1,
                                        max_size=POOL_SIZE, timeout=WAIT_SECONDS, open=True,
                                        check=check_if_cut_off,
                                        kwargs={"autocommit": True})
            self._connection = self._pool.connection
        else:
            self._local, self._opened = threading.local(), []
            self._connection = self._sqlite_connection
        try:
            self.ring = ring_for(self.kek_ids_in_use())
            self._set_up()
        except BaseException:
            self.close()
            raise

    def create_key(self, patient_id: UUID) -> bytes:
        key = os.urandom(32)
        kek_id, wrapped = self.ring.wrap(key, patient_id)
        self._execute(INSERT, (str(patient_id), wrapped, kek_id))
        return key

    def create_keys(self, patient_ids: Iterable[UUID]) -> dict[UUID, bytes]:
        """New keys for many patients at once, in one transaction (an import)."""
        keys = {patient_id: os.urandom(32) for patient_id in patient_ids}
        with self._transaction() as conn:
            for patient_id, key in keys.items():
                kek_id, wrapped = self.ring.wrap(key, patient_id)
                conn.execute(INSERT.format(p=self.placeholder), (str(patient_id), wrapped,
                                                                  kek_id))
        return keys

    def key_for(self, patient_id: UUID) -> bytes | None:
        return self.keys_for([patient_id]).get(patient_id)

    def keys_for(self, patient_ids: Iterable[UUID]) -> dict[UUID, bytes]:
        """The keys of these patients that are not destroyed, unwrapped."""
        wanted, found = [str(p) for p in patient_ids], {}
        for start in range(0, len(wanted), PER_QUERY):
            chunk = wanted[start:start + PER_QUERY]
            ids = ", ".join([self.placeholder] * len(chunk))
            for patient_id, stored, kek_id in self._rows(SELECT.format(ids=ids), chunk):
                if stored is not None:
                    key = UUID(patient_id)
                    found[key] = self._unwrapped(key, bytes(stored), kek_id)
        return found

    def destroy_key(self, patient_id: UUID) -> None:
        self._execute(DESTROY, (datetime.now(UTC).isoformat(), str(patient_id)))

    def kek_ids_in_use(self) -> frozenset[str]:
        """The KEKs the stored keys are wrapped under (read only: creates nothing)."""
        if "kek_id" not in {row[0] for row in self._rows(COLUMNS[self.database.is_postgres])}:
            return frozenset()
        return frozenset(row[0] for row in self._rows(IN_USE) if row[0] is not None)

    def rewrap_batch(self, limit: int) -> int:
        """Wrap up to `limit` keys not yet under the current KEK (unwrapped ones included)
        under it, in one transaction; how many it did (0: none are left)."""
        current = self.ring.current.key_id
        with self._transaction() as conn:
            rows = conn.execute(NOT_UNDER.format(p=self.placeholder), (current, limit)).fetchall()
            for patient_id, stored, kek_id in rows:
                key = self._unwrapped(UUID(patient_id), bytes(stored), kek_id)
                _, wrapped = self.ring.wrap(key, UUID(patient_id))
                was = "IS NULL" if kek_id is None else f"= {self.placeholder}"
                conn.execute(REWRAP.format(p=self.placeholder, was=was),
                             (wrapped, current, patient_id, *([kek_id] if kek_id else [])))
        return len(rows)

    def close(self) -> None:
        if self.database.is_postgres:
            self._pool.close()
        else:
            for conn in self._opened:
                conn.close()

    def _unwrapped(self, patient_id: UUID, stored: bytes, kek_id: str | None) -> bytes:
        return stored if kek_id is None else self.ring.unwrap(kek_id, stored, patient_id)

    def _set_up(self) -> None:
        """Create the table (or add the KEK column), then wrap any key stored unwrapped."""
        existing = {row[0] for row in self._rows(COLUMNS[self.database.is_postgres])}
        if not existing:
            self._execute(TABLE.format(blob="BYTEA" if self.database.is_postgres else "BLOB"))
        elif "kek_id" not in existing:
            self._execute(ADD_KEK_ID)
        self._execute(BY_KEK)
        while self._rows("SELECT 1 FROM patient_keys WHERE data_key IS NOT NULL"
                         " AND kek_id IS NULL LIMIT 1"):
            self.rewrap_batch(PER_QUERY)

    def _execute(self, sql: str, params: tuple = ()) -> None:
        with self._connection() as conn:
            conn.execute(sql.format(p=self.placeholder), params)

    def _rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._connection() as conn:
            return conn.execute(sql, tuple(params)).fetchall()

    @contextmanager
    def _transaction(self):
        with self._connection() as conn:
            if self.database.is_postgres:
                with conn.transaction():
                    yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _sqlite_connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(
                self.database.sqlite_path, check_same_thread=False, isolation_level=None,
                timeout=30)
            conn.execute("PRAGMA secure_delete = ON")
            self._opened.append(conn)
        yield conn
