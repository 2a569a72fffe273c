"""verify in the background, as the web app runs it: how far it has got, told as it goes,
and one run at a time per server however often the button is pressed."""

import threading

from infra import verification
from infra.log_rows import log_length
from infra.verification import verify
from infra.verification_runs import Verifications
from tests.integrity.runs import HeldVerifications, finished
from tests.integrity.test_verify import tamper


def test_progress_is_told_after_every_read_up_to_every_event(signed_history, integrity,
                                                             monkeypatch):
    monkeypatch.setattr(verification, "BATCH", 4)
    told: list[int] = []

    verdict = verify(integrity, progress=told.append)

    assert verdict.ok, verdict.problem
    assert told == [*range(4, signed_history, 4), signed_history][: len(told)]
    assert told[-1] == verdict.events_checked == signed_history


def test_a_second_verify_while_one_runs_joins_it_and_starts_no_other(signed_history,
                                                                    integrity, clock):
    runs = HeldVerifications(integrity, 0, clock)
    first = runs.start("Ines Duarte")
    assert runs.first_read.wait(10)

    again = runs.start("Inspector Lee")

    assert again.started_by == "Ines Duarte" and runs.latest.running
    assert (runs.latest.checked, runs.latest.total) == (signed_history, signed_history)
    assert first.started_at == again.started_at
    assert [t.name for t in threading.enumerate()].count("verify") == 1
    runs.go_on.set()
    assert finished(runs).verdict.ok and runs.latest.finished_at is not None
    assert runs.start("Inspector Lee").started_by == "Inspector Lee"  # done: a new run starts
    assert finished(runs).verdict.ok


def test_a_log_table_dropped_by_an_insider_ends_the_run_failed_and_a_new_one_can_start(
    signed_history, integrity, settings, clock
):
    tamper(settings, "DROP TABLE {table}")
    runs = Verifications(integrity, 0, clock)

    run = runs.start("Ines Duarte")

    assert run.running
    ended = finished(runs)
    assert not ended.verdict.ok and "could not finish" in ended.verdict.problem
    assert runs.start("Inspector Lee").started_by == "Inspector Lee"  # not stuck running
    finished(runs)


def test_the_total_shown_counts_the_stored_events_where_positions_skip(signed_history, records,
                                                                        settings):
    assert log_length(records.recorder) == signed_history
    tamper(settings, "DELETE FROM {table} WHERE {id} = 3")

    assert log_length(records.recorder) == signed_history - 1  # not the last position
