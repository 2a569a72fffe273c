"""A killed worker resumes without loss or double-apply; a rebuilt view equals the live one."""

import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from infra.log_reading import read_batch
from infra.runner import CatchUpRunner
from tests.clinic import CLINICIAN, outcome


def view_rows(runner) -> dict[str, list]:
    """Every row of every view table, in a stable order."""
    dump = {}
    with runner.views.transaction(write=False) as tx:
        for projection in runner.projections.values():
            for table in projection.tables:
                dump[table] = sorted(map(repr, tx.rows(f"SELECT * FROM {table}")))
    return dump


def rebuilt_rows(runner) -> dict[str, list]:
    for name in runner.projections:
        runner.rebuild(name)
    return view_rows(runner)


def read_from(runner, start: int):
    """The batch from `start`, with every view's facts of it, as a catch-up reads it."""
    return read_batch(runner.records, runner._extractors, dict.fromkeys(runner.projections, 0),
                      start, runner.batch_size)


def busy_course(clinic, records, entries: int, course_id=None):
    course_id = course_id or clinic.formulated_course()
    for i in range(entries):
        records.assess_outcome(course_id, outcome(str(i % 15)), CLINICIAN)
    return course_id


def start_worker(settings, batch_size: int) -> subprocess.Popen:
    """A worker process; what it says on stderr goes to a file (a pipe nobody reads could
    fill and stall it), read back by `said`."""
    env = {**os.environ, "MESOLEDGER_DATABASE_URL": settings.database_url,
           "MESOLEDGER_PROJECTION_BATCH_SIZE": str(batch_size)}
    told = tempfile.TemporaryFile()
    worker = subprocess.Popen([sys.executable, "-m", "infra.worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=told)
    worker.told = told
    return worker


def said(*workers: subprocess.Popen) -> str:
    """What the workers wrote on stderr, for a failing assertion's message."""
    told = []
    for number, worker in enumerate(workers, start=1):
        worker.told.seek(0)
        told.append(f"worker {number} (exit {worker.poll()}):\n"
                    + worker.told.read().decode(errors="replace")[-4000:])
    return "\n".join(told)


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_worker_killed_mid_catch_up_resumes_to_the_rebuilt_view(clinic, records, runner,
                                                                 settings):
    busy_course(clinic, records, 400)
    end = clinic.log_position()
    worker = start_worker(settings, batch_size=7)
    try:
        wait_until(lambda: runner.position("audit_trail") > 0)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    assert runner.position("audit_trail") < end, "the worker finished before it was killed"
    runner.catch_up()
    live = view_rows(runner)
    assert len(live["audit_trail"]) == end
    assert live == rebuilt_rows(runner)


def test_redelivered_batch_changes_nothing(clinic, records, runner):
    busy_course(clinic, records, 20)
    runner.catch_up()
    before = view_rows(runner)
    runner._apply(read_from(runner, 1), start=1)
    assert view_rows(runner) == before


def test_a_batch_redelivered_in_part_applies_only_what_is_new(clinic, records, runner):
    busy_course(clinic, records, 20)
    runner.batch_size = 10
    runner._apply(read_from(runner, 1), start=1)  # the views stop inside the next batch
    runner.batch_size = 1000

    runner._apply(read_from(runner, 1), start=1)

    assert {runner.position(name) for name in runner.projections} == {clinic.log_position()}
    assert view_rows(runner) == rebuilt_rows(runner)


class SecondRunner:
    """Stands for another runner that moves the audit trail on while this batch is open."""

    name, tables = "second_runner", ()

    def create(self, tx) -> None:
        pass

    @staticmethod
    def facts(change):
        return change.position

    def apply(self, tx, facts) -> None:
        tx.execute("UPDATE projection_positions SET position = position + 1"
                   " WHERE name = 'audit_trail'")


def test_a_batch_refused_for_one_view_applies_to_no_view(clinic, records, runner):
    course_id = busy_course(clinic, records, 5)
    runner.catch_up()
    busy_course(clinic, records, 5, course_id)
    before = view_rows(runner), {name: runner.position(name) for name in runner.projections}
    raced = CatchUpRunner(records, runner.views, [SecondRunner(), *runner.projections.values()])

    with pytest.raises(RuntimeError, match="another runner moved a position"):
        raced.catch_up()

    assert (view_rows(runner), {name: runner.position(name) for name in runner.projections}) \
        == before


def test_a_view_reset_by_a_rebuild_during_a_catch_up_gets_no_gap(clinic, records, runner):
    course_id = busy_course(clinic, records, 10)
    runner.catch_up()
    start = clinic.log_position() + 1
    busy_course(clinic, records, 10, course_id)
    later = read_from(runner, start)
    with runner.views.transaction() as tx:  # what rebuild("audit_trail") does first
        tx.execute("DELETE FROM audit_trail")
        tx.execute("DELETE FROM projection_positions WHERE name = 'audit_trail'")

    runner._apply(later, start)

    assert runner.position("audit_trail") == 0
    runner.catch_up()
    assert view_rows(runner) == rebuilt_rows(runner)


def test_views_rebuilt_together_equal_the_live_views(clinic, records, runner):
    busy_course(clinic, records, 30)
    runner.catch_up()
    live = view_rows(runner)

    replayed = runner.rebuild(*runner.projections)

    assert replayed == clinic.log_position()
    assert view_rows(runner) == live


def test_standby_worker_takes_over_when_the_active_one_is_killed(clinic, records, runner,
                                                                 settings):
    course_id = busy_course(clinic, records, 5)
    first, second = start_worker(settings, 50), start_worker(settings, 50)
    try:
        assert runner.wait_for(clinic.log_position(), timeout=30), said(first, second)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        busy_course(clinic, records, 5, course_id)
        assert runner.wait_for(clinic.log_position(), timeout=30), said(first, second)
    finally:
        for worker in (first, second):
            worker.kill()
            worker.wait(10)
    assert view_rows(runner) == rebuilt_rows(runner)
