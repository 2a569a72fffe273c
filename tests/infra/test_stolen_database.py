"""A thief with every database file of the demo clinic, but none of the key files, finds
no patient's name, date of birth or contact in any encoding, and decrypts nothing sealed:
SQLite in its default layout, and PostgreSQL through `pg_dump`."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import unicodedata
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from api import cli
from api.demo import STORIES
from domain.personal_data import PersonalData
from infra.database import Database
from infra.settings import Settings
from tests.api.test_cli import opened
from tests.conftest import TEST_DATABASE
from tests.infra.attacker import loot
from tests.infra.attacker import opened as decrypted


def secrets_of(person: PersonalData) -> set[str]:
    """What must not be readable: the name and its longer words, the date of birth as it
    is commonly written, the contact."""
    born = person.date_of_birth
    words = {w for w in re.split(r"[\s\-]+", person.name) if len(w) >= 6}
    return {person.name, *words, person.contact, born.isoformat(), born.strftime("%d/%m/%Y"),
            born.strftime("%m/%d/%Y"), born.strftime("%Y%m%d"), born.strftime("%d.%m.%Y")}


def encodings(text: str) -> set[bytes]:
    """The text as UTF-8 and UTF-16 (either byte order), composed or decomposed, and as a
    JSON string with its non-ASCII letters escaped."""
    forms = {text, unicodedata.normalize("NFD", text), json.dumps(text)[1:-1]}
    return {form.encode(codec) for form in forms for codec in ("utf-8", "utf-16-le",
                                                                "utf-16-be")}


def leaked(stolen: bytes) -> list[str]:
    return sorted({secret for story in STORIES for secret in secrets_of(story.person)
                   if any(form in stolen for form in encodings(secret))})


def load_demo(settings_env: dict[str, str], monkeypatch) -> Settings:
    for name in [n for n in os.environ if n.startswith("MESOLEDGER_")]:
        monkeypatch.delenv(name)
    for name, value in settings_env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli.app, ["demo"])
    assert result.exit_code == 0, result.output
    return Settings()


def sqlite_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master"
                                             " WHERE type = 'table'")]
        return [row for t in tables for row in conn.execute(f'SELECT * FROM "{t}"')]


def postgres_rows(url: str) -> list[tuple]:
    database = Database(url)
    with psycopg.connect(database.postgres_conninfo()) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables"
                                             " WHERE schemaname = %s", (database.schema,))]
        return [row for t in tables for row in conn.execute(f'SELECT * FROM "{t}"')]


def the_attack_would_open_with_the_real_key(settings: Settings, rows: list[tuple]) -> bool:
    """The attack is no straw man: handed one real patient key, it opens that patient."""
    story = STORIES[0]
    with opened(settings) as services:
        patient_id = services.records.patient_by_mrn(story.clinic, story.mrn)
        key = services.records.vault.key_for(patient_id)
    _, sealed = loot(rows)
    return any(story.person.name.encode() in plain for plain in decrypted({key}, sealed))


@pytest.fixture
def default_layout(tmp_path, monkeypatch) -> Settings:
    """The demo clinic as `mesoledger demo` makes it with no settings at all: ./var."""
    monkeypatch.chdir(tmp_path)
    return load_demo({}, monkeypatch)


def test_copied_sqlite_files_show_no_personal_data_in_any_encoding(default_layout):
    database_files = sorted(Path("var").glob("mesoledger.db*"))
    stolen = b"".join(path.read_bytes() for path in database_files)
    assert b"A-1001" in stolen, "the scan did not reach the records"
    assert leaked(stolen) == []
    assert leaked(json.dumps("Lucía Fernández").encode()) == ["Fernández", "Lucía Fernández"]


def test_copied_sqlite_files_decrypt_nothing_without_the_key_files(default_layout):
    rows = sqlite_rows(Path("var/mesoledger.db"))
    keys, sealed = loot(rows)
    assert len(keys) > 100 and len(sealed) > len(STORIES)  # it had plenty to try
    assert decrypted(keys, sealed) == []
    assert the_attack_would_open_with_the_real_key(default_layout, rows)


def test_a_pg_dump_shows_no_personal_data_and_decrypts_nothing(postgres_url, tmp_path,
                                                                monkeypatch):
    settings = load_demo({"MESOLEDGER_DATABASE_URL": postgres_url,
                          "MESOLEDGER_VAR_DIR": str(tmp_path / "keys"),
                          "MESOLEDGER_SIGNING_KEY_PATH": str(tmp_path / "keys" / "sign.key")},
                         monkeypatch)
    dump = subprocess.run(["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-d",
                           TEST_DATABASE, "-n", Database(postgres_url).schema],
                          capture_output=True, check=True, timeout=120).stdout
    assert b"A-1001" in dump, "the dump did not reach the records"
    assert leaked(dump) == []
    rows = postgres_rows(postgres_url)
    keys, sealed = loot(rows)
    assert decrypted(keys, sealed) == []
    assert the_attack_would_open_with_the_real_key(settings, rows)
