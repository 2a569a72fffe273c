"""A raw dump of the event store shows no patient's name or date of birth."""

import sqlite3
from base64 import b64encode
from os import urandom

import psycopg

from infra.database import Database
from infra.records import open_records
from infra.settings import Settings
from tests.clinic import CLINICIAN, PERSON, Clinic, answers

SECRETS = [PERSON.name, "Okonkwo", PERSON.date_of_birth.isoformat(), "14/03/1985",
           PERSON.contact]


def as_text(rows) -> str:
    return "\n".join(" ".join(bytes(v).decode("utf-8", "replace")
                              if isinstance(v, (bytes, memoryview)) else str(v) for v in row)
                     for row in rows)


def dump(url: str) -> str:
    """Every row of every table as text, straight from the database (and SQLite's files)."""
    database = Database(url)
    if database.is_postgres:
        with psycopg.connect(database.postgres_conninfo()) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (database.schema,))]
            return "\n".join(as_text(conn.execute(f'SELECT * FROM "{t}"')) for t in tables)
    path = database.sqlite_path
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        text = "\n".join(as_text(conn.execute(f'SELECT * FROM "{t}"')) for t in tables)
    files = [path, path.with_name(path.name + "-wal")]
    return text + "".join(f.read_bytes().decode("latin-1") for f in files if f.exists())


def test_raw_store_holds_no_plaintext_personal_data(clinic, records, settings):
    patient_id = clinic.patient()
    records.screen(patient_id, answers(), CLINICIAN)
    records.take_snapshot(patient_id)
    raw = dump(settings.database_url)
    assert "MRN-0001" in raw, "the dump did not reach the events"
    for secret in SECRETS:
        assert secret not in raw


def test_whole_store_cipher_hides_even_the_mrn(database_url, clock):
    key = b64encode(urandom(32)).decode()
    records = open_records(Settings(database_url=database_url, cipher_key=key), clock=clock)
    try:
        patient_id = Clinic(records, clock).patient()
        assert records.patient(patient_id).mrn == "MRN-0001"
        assert "MRN-0001" not in dump(database_url)
    finally:
        records.close()
