"""The key vault keeps each patient's key wrapped under a key-encryption key that is in no
database; without that key a server refuses to start, and writes nothing."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from infra.database import Database
from infra.key_files import KeyMissingError
from infra.keys import kek_source
from infra.records import open_records
from infra.settings import Settings
from tests.clinic import PERSON, RECEPTIONIST

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keyed(database_url, tmp_path) -> Settings:
    """The store with its keys in this test's own folder."""
    return Settings(database_url=database_url, var_dir=tmp_path / "keys")


def stored_keys(url: str) -> list[tuple]:
    """(patient_id, stored key bytes, KEK id) of every row, straight from the database."""
    sql = "SELECT patient_id, data_key, kek_id FROM patient_keys ORDER BY patient_id"
    database = Database(url)
    if database.is_postgres:
        with psycopg.connect(database.postgres_conninfo()) as conn:
            return [(p, bytes(k), i) for p, k, i in conn.execute(sql)]
    with sqlite3.connect(database.sqlite_path) as conn:
        return [(p, bytes(k), i) for p, k, i in conn.execute(sql)]


def execute(url: str, *statements: tuple) -> None:
    database = Database(url)
    if database.is_postgres:
        with psycopg.connect(database.postgres_conninfo()) as conn:
            for sql, params in statements:
                conn.execute(sql.replace("?", "%s"), params)
        return
    with sqlite3.connect(database.sqlite_path) as conn:
        for sql, params in statements:
            conn.execute(sql, params)


def registered(settings: Settings, count: int = 1):
    records = open_records(settings)
    try:
        ids = [records.register_patient("clinic-a", f"MRN-{i}", PERSON, RECEPTIONIST).id
               for i in range(count)]
        return ids, {i: records.vault.key_for(i) for i in ids}
    finally:
        records.close()


def test_a_stolen_key_row_is_a_wrapped_key_not_the_patients_key(keyed):
    [patient_id], keys = registered(keyed)
    [(row_id, stored, kek_id)] = stored_keys(keyed.database_url)
    assert row_id == str(patient_id)
    assert keys[patient_id] not in stored and len(stored) == 60  # nonce, key, tag
    assert kek_id == _kek_id(keyed)


def test_a_wrapped_key_moved_onto_another_patient_does_not_open(keyed):
    first, second = registered(keyed, 2)[0]
    rows = {p: k for p, k, _ in stored_keys(keyed.database_url)}
    execute(keyed.database_url, ("UPDATE patient_keys SET data_key = ? WHERE patient_id = ?",
                                 (rows[str(first)], str(second))))
    records = open_records(keyed)
    try:
        assert records.personal_data(first) == PERSON
        with pytest.raises(Exception, match="does not unwrap"):
            records.vault.key_for(second)
    finally:
        records.close()


def test_keys_stored_unwrapped_by_an_earlier_version_are_wrapped_in_place_on_start(keyed):
    [patient_id], keys = registered(keyed)
    key = keys[patient_id]
    execute(keyed.database_url, ("DROP INDEX patient_keys_by_kek", ()),
            ("ALTER TABLE patient_keys DROP COLUMN kek_id", ()),
            ("UPDATE patient_keys SET data_key = ?", (key,)))  # as an earlier version kept it
    records = open_records(keyed)
    try:
        assert records.personal_data(patient_id) == PERSON
    finally:
        records.close()
    [(_, stored, kek_id)] = stored_keys(keyed.database_url)
    assert (len(stored), kek_id) == (60, _kek_id(keyed))
    database = Database(keyed.database_url)
    if not database.is_postgres:  # secure_delete: the key in clear is gone from the file
        assert key not in database.sqlite_path.read_bytes()


def test_without_its_key_encryption_key_the_store_refuses_to_open(keyed):
    registered(keyed)
    kek_source(keyed).path.unlink()
    before = stored_keys(keyed.database_url)
    with pytest.raises(KeyMissingError, match="key-encryption key is missing"):
        open_records(keyed)
    assert not kek_source(keyed).path.exists(), "a new key was made over the store's"
    assert stored_keys(keyed.database_url) == before


def test_a_server_without_its_key_encryption_key_refuses_to_start_and_writes_nothing(
        sqlite_url, tmp_path):
    settings = Settings(database_url=sqlite_url, var_dir=tmp_path / "keys")
    registered(settings)
    kek_source(settings).path.unlink()
    before = _files(tmp_path)
    env = os.environ | {"MESOLEDGER_DATABASE_URL": sqlite_url,
                        "MESOLEDGER_VAR_DIR": str(tmp_path / "keys"),
                        "MESOLEDGER_SIGNING_KEY_PATH": str(tmp_path / "keys" / "signing.key")}
    started = subprocess.run([sys.executable, "-c", "from api.cli import main; main()",
                              "serve", "--port", str(_free_port())], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 2, started.stderr
    assert "the key-encryption key is missing" in started.stderr
    assert "Traceback" not in started.stderr
    assert _files(tmp_path) == before


def test_a_key_encryption_key_from_the_environment_leaves_no_key_file(keyed):
    secret = "q" * 43 + "="
    from_env = keyed.model_copy(update={"key_encryption_key": secret})
    [patient_id], _ = registered(from_env)
    assert not kek_source(keyed).path.exists()
    with pytest.raises(KeyMissingError):
        open_records(keyed)  # the file's key (none yet) is not the one the keys are under
    records = open_records(from_env)
    try:
        assert records.personal_data(patient_id) == PERSON
    finally:
        records.close()


def _kek_id(settings: Settings) -> str:
    from infra.key_encryption import LocalKeyEncryptionKey
    return LocalKeyEncryptionKey(kek_source(settings).read()).key_id


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_without_its_index_key_the_directory_refuses_to_open(keyed):
    from infra.keys import index_key_source
    from infra.projecting import open_runner
    records = open_records(keyed)
    try:
        open_runner(records, keyed).views.close()
        index_key_source(keyed).path.unlink()
        with pytest.raises(KeyMissingError, match="directory's index key is missing"):
            open_runner(records, keyed)
        assert not index_key_source(keyed).path.exists()
        other = keyed.model_copy(update={"index_key": "x" * 43 + "="})
        with pytest.raises(KeyMissingError, match="indexed under index key"):
            open_runner(records, other)
    finally:
        records.close()
