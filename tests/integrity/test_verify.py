"""verify holds the stored events to the checkpoints kept outside the database, trusting no
view: an insider who can write every table still cannot change, remove, add or reorder an
entry, or cut the log short, without verify naming where."""

import json
import sqlite3

import psycopg
import pytest

from infra.database import Database
from infra.integrity import ViewsDisagreeError
from infra.verification import verify


def tamper(settings, sql: str, params=()) -> None:
    """Change the stored events behind the application's back, as an insider would."""
    database = Database(settings.database_url)
    if database.is_postgres:
        sql = sql.format(table="clinicalrecords_events", id="notification_id")
        with psycopg.connect(database.postgres_conninfo(), autocommit=True) as conn:
            conn.execute(sql.replace("?", "%s"), params)
        return
    with sqlite3.connect(database.sqlite_path) as conn:
        conn.execute(sql.format(table="stored_events", id="rowid"), params)


def rewrite(settings, records, position: int, old: bytes, new: bytes) -> None:
    """Change a value inside a stored event so that it still reads as a valid entry."""
    stored = next(n for n in records.recorder.select_notifications(position, 1))
    assert old in stored.state
    tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = ?",
           (stored.state.replace(old, new), position))


def rebuild_the_views(runner) -> None:
    """What an insider covering their tracks does: every view rebuilt from the doctored
    store, so the Merkle log's leaves and every other view agree with it. (The checkpoints
    are out of their reach, in the file beside the signing key.)"""
    runner.rebuild(*runner.projections)


def test_an_untouched_store_verifies_against_every_checkpoint(signed_history, integrity,
                                                              clinic):
    clinic.patient(mrn="MRN-0002")
    integrity.checkpoint()

    verdict = verify(integrity)

    assert verdict.ok, verdict.problem
    assert (verdict.events_checked, verdict.checkpoints_checked) == (
        clinic.log_position(), 2)


def test_a_changed_value_is_named_at_its_position(signed_history, integrity, settings):
    tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = 6", (b'{"tampered":1}',))

    verdict = verify(integrity)

    assert (verdict.ok, verdict.first_bad_position) == (False, 6)
    assert "changed" in verdict.problem


def test_an_insider_rewrite_with_views_rebuilt_still_fails(signed_history, integrity,
                                                           settings, runner, records):
    last_injection = signed_history
    rewrite(settings, records, last_injection, b"\"points\":20", b"\"points\":2")
    rebuild_the_views(runner)

    verdict = verify(integrity)

    assert not verdict.ok
    assert verdict.first_bad_position is not None
    assert verdict.first_bad_position <= last_injection
    assert "is not the one signed" in verdict.problem


def test_a_cut_off_tail_fails_naming_the_signed_size(signed_history, integrity, settings,
                                                     runner):
    tamper(settings, "DELETE FROM {table} WHERE {id} > ?", (signed_history - 2,))
    rebuild_the_views(runner)

    verdict = verify(integrity)

    assert not verdict.ok
    assert f"size {signed_history}" in verdict.problem and "cut off" in verdict.problem


def test_a_deleted_row_is_found(signed_history, integrity, settings):
    tamper(settings, "DELETE FROM {table} WHERE {id} = 4")

    verdict = verify(integrity)

    assert (verdict.ok, verdict.first_bad_position) == (False, 4)
    assert "deleted" in verdict.problem


def test_swapped_rows_are_found_at_the_first(signed_history, integrity, settings):
    tamper(settings, "UPDATE {table} SET {id} = -{id} WHERE {id} IN (6, 7)")
    tamper(settings, "UPDATE {table} SET {id} = 7 WHERE {id} = -6")
    tamper(settings, "UPDATE {table} SET {id} = 6 WHERE {id} = -7")

    verdict = verify(integrity)

    assert (verdict.ok, verdict.first_bad_position) == (False, 6)


def test_a_forged_row_inserted_before_the_others_is_found(signed_history, integrity,
                                                          settings):
    tamper(settings, "INSERT INTO {table} (originator_id, originator_version, topic, state,"
                     " {id}) SELECT originator_id, 99, topic, state, 0"
                     " FROM {table} WHERE {id} = 3")

    verdict = verify(integrity)

    assert (verdict.ok, verdict.first_bad_position) == (False, 0)
    assert "inserted" in verdict.problem


def test_an_event_that_no_longer_decodes_is_named_not_a_crash(signed_history, integrity,
                                                              settings, records):
    planned = next(n.id for n in records.recorder.select_notifications(None, 100)
                   if n.topic.endswith("TreatmentCourse.Planned"))
    tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = ?", (b"{not json", planned))

    verdict = verify(integrity)

    assert (verdict.ok, verdict.first_bad_position) == (False, planned)


def test_a_checkpoint_in_the_file_that_disagrees_with_the_log_fails(signed_history,
                                                                     integrity):
    held = integrity.latest()
    forged = held.note.replace(held.note.split("\n")[2], "A" * 43 + "=")
    with open(integrity.checkpoints.path, "a") as file:
        file.write(json.dumps(forged) + "\n")

    verdict = verify(integrity)

    assert not verdict.ok and "signature" in verdict.problem


def test_the_log_refuses_to_sign_a_fork_of_what_it_signed(signed_history, integrity,
                                                          settings, runner):
    tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = 2", (b"{}",))
    runner.rebuild("merkle_log")
    before = integrity.checkpoints.path.read_text()

    with pytest.raises(ViewsDisagreeError):
        integrity.sign()
    assert integrity.checkpoints.path.read_text() == before
