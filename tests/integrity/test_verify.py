"""Tampering with the store is detected and the first bad log position is named."""

import sqlite3

import psycopg
import pytest

from infra.database import Database
from infra.integrity import Integrity, load_signing_key
from infra.verification import verify
from tests.clinic import CLINICIAN, dose


@pytest.fixture
def integrity(runner, tmp_path):
    return Integrity(runner, load_signing_key(tmp_path / "signing.key"))


@pytest.fixture
def signed_history(clinic, records, integrity):
    """A course with a few injections, all in the Merkle log, under a signed checkpoint."""
    course_id = clinic.formulated_course()
    for _ in range(3):
        records.inject(course_id, dose(volume="1"), CLINICIAN)
    integrity.checkpoint()
    return clinic.log_position()


def tamper(settings, sql: str, params=()) -> None:
    """Change the stored events behind the application's back, as an intruder would."""
    database = Database(settings.database_url)
    if database.is_postgres:
        sql = sql.format(table="clinicalrecords_events", id="notification_id")
        with psycopg.connect(database.postgres_conninfo(), autocommit=True) as conn:
            conn.execute(sql.replace("?", "%s"), params)
        return
    with sqlite3.connect(database.sqlite_path) as conn:
        conn.execute(sql.format(table="stored_events", id="rowid"), params)


def public(integrity):
    return integrity.key.public_key()


def test_untouched_store_verifies(signed_history, integrity):
    verdict = verify(integrity, public(integrity))
    assert verdict.ok and verdict.events_checked == signed_history


def test_one_flipped_byte_is_found_at_its_position(signed_history, integrity, settings):
    tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = 5",
           (b'{"tampered":1}',))
    verdict = verify(integrity, public(integrity))
    assert (verdict.ok, verdict.first_bad_position) == (False, 5)
    assert "changed" in verdict.problem


def test_deleted_row_is_found(signed_history, integrity, settings):
    tamper(settings, "DELETE FROM {table} WHERE {id} = 4")
    verdict = verify(integrity, public(integrity))
    assert (verdict.ok, verdict.first_bad_position) == (False, 4)


def test_swapped_rows_are_found_at_the_first(signed_history, integrity, settings):
    tamper(settings, "UPDATE {table} SET {id} = -{id}"
                     " WHERE {id} IN (6, 7)")
    tamper(settings, "UPDATE {table} SET {id} = 7 WHERE {id} = -6")
    tamper(settings, "UPDATE {table} SET {id} = 6 WHERE {id} = -7")
    verdict = verify(integrity, public(integrity))
    assert (verdict.ok, verdict.first_bad_position) == (False, 6)


def test_forged_row_inserted_before_the_others_is_found(signed_history, integrity, settings):
    tamper(settings, "INSERT INTO {table} (originator_id, originator_version, topic, state,"
                     " {id}) SELECT originator_id, 99, topic, state, 0"
                     " FROM {table} WHERE {id} = 3")
    verdict = verify(integrity, public(integrity))
    assert (verdict.ok, verdict.first_bad_position) == (False, 0)
    assert "inserted" in verdict.problem


def test_forged_checkpoint_signature_fails(signed_history, integrity, runner):
    with runner.views.transaction() as tx:
        tx.execute("UPDATE checkpoints SET root = ?", ("00" * 32,))
    verdict = verify(integrity, public(integrity))
    assert not verdict.ok and "signature" in verdict.problem


def test_rewritten_merkle_log_fails_against_the_signed_root(signed_history, integrity,
                                                             settings, runner):
    tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = 2", (b"{}",))
    runner.rebuild("merkle_log")
    verdict = verify(integrity, public(integrity))
    assert not verdict.ok and "checkpoint" in verdict.problem
