"""Far behind the log, a helper process reads for the runner: the views come out the same,
a helper that fails leaves the reading to the runner, and a helper ends with its runner."""

import logging
import os
import pickle
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import infra.log_reading
from infra.fact_passing import apart, whole
from infra.projecting import open_runner
from infra.records import open_records
from infra.settings import Settings
from projections.area_progress.facts import Entry, Void
from projections.merkle_log import Leaf
from tests.clinic import Clinic
from tests.projections.test_exactly_once import busy_course, view_rows, wait_until

KILLED_RUNNER = """
import sys, time
import infra.log_reading
from infra.fact_passing import apart, whole
from infra.projecting import open_runner
from infra.records import open_records
from infra.settings import Settings

take, read = infra.log_reading.Helper.take, infra.log_reading.Reading.read

def told(helper):
    batch = take(helper)
    print("helped" if batch else "failed", flush=True)
    time.sleep(0.05)  # slowly: the runner is killed while its helper is at work
    return batch

def slowly(reading, start):
    time.sleep(0.05)  # the helper is ready before the catch-up ends
    return read(reading, start)

infra.log_reading.Helper.take, infra.log_reading.Reading.read = told, slowly
settings = Settings(database_url=sys.argv[1])
runner = open_runner(open_records(settings), settings)
runner.help_from, runner.batch_size = 0, 3
runner.catch_up()
"""


@pytest.fixture
def helped(monkeypatch) -> list:
    """The batches a helper process read (a spy on what it hands over)."""
    taken = []
    take = infra.log_reading.Helper.take

    def spied(helper):
        batch = take(helper)
        taken.append(batch)
        return batch

    monkeypatch.setattr(infra.log_reading.Helper, "take", spied)
    return taken


@pytest.fixture
def far_behind(runner, monkeypatch):
    return taken_as_far_behind(runner, monkeypatch)


def taken_as_far_behind(runner, monkeypatch):
    """The runner takes every log as far behind, in small batches; reading here is slow, so
    a helper gets to start before the catch-up ends."""
    runner.help_from, runner.batch_size = 0, 3
    read = infra.log_reading.Reading.read

    def slowly(reading, start):
        time.sleep(0.1)
        return read(reading, start)

    monkeypatch.setattr(infra.log_reading.Reading, "read", slowly)
    return runner


def read_here_views(runner) -> dict:
    runner.help_from = 10**9
    for name in runner.projections:
        runner.rebuild(name)
    return view_rows(runner)


def test_views_read_by_a_helper_equal_views_read_here(clinic, records, far_behind, helped):
    busy_course(clinic, records, 90)

    assert far_behind.catch_up() == clinic.log_position()

    assert [batch for batch in helped if batch is not None], "no batch came from a helper"
    assert None not in helped
    assert view_rows(far_behind) == read_here_views(far_behind)


def test_facts_cross_from_a_helper_as_the_named_tuples_they_were():
    facts = {"merkle_log": [(7, Leaf(7, b"\x01" * 32))],
             "area_progress": [(7, Entry("c-1", 4, "injection", "2026-01-05T10:00:00+00:00",
                                         "abdomen", "midline", 1, "2", 20, 1)),
                               (8, Void("c-1", 5, 4))],
             "a view of plain values": [(8, {"course": "c-1"})]}
    sent = apart(infra.log_reading.Batch(2, 8, facts, {}))

    received = whole(pickle.loads(pickle.dumps(sent)))

    assert received.facts == facts
    assert [type(fact) for _, fact in received.facts["area_progress"]] == [Entry, Void]
    _, classes, values = sent.facts["area_progress"]
    assert classes == [Entry, Void] and {type(fact) for fact in values} == {tuple}


def test_a_helper_that_fails_leaves_the_reading_to_the_runner(clinic, records, far_behind,
                                                             helped, monkeypatch, caplog):
    busy_course(clinic, records, 60)
    monkeypatch.setitem(infra.log_reading.READ_ONLY, "PERSISTENCE_MODULE", "no.such.store")

    with caplog.at_level(logging.WARNING, logger="infra.log_reading"):
        assert far_behind.catch_up() == clinic.log_position()

    assert "helper failed" in caplog.text
    assert not [batch for batch in helped if batch is not None]
    assert view_rows(far_behind) == read_here_views(far_behind)


def test_a_helper_reads_the_store_of_its_runner_named_relative_to_where_it_runs(
        tmp_path, monkeypatch, clock, helped):
    monkeypatch.chdir(tmp_path)  # not the project's directory, where ./var could name another
    settings = Settings(database_url="sqlite:///./var/clinic.db")
    records = open_records(settings, clock=clock)
    runner = taken_as_far_behind(open_runner(records, settings), monkeypatch)
    clinic = Clinic(records, clock)
    try:
        busy_course(clinic, records, 60)

        assert runner.catch_up() == clinic.log_position()

        assert [batch for batch in helped if batch is not None], "no batch came from a helper"
        assert None not in helped
    finally:
        runner.views.close()
        records.close()


def test_a_helper_that_cannot_start_leaves_the_reading_to_the_runner(
        clinic, records, far_behind, helped, monkeypatch, caplog):
    busy_course(clinic, records, 30)

    def no_process(*args, **kwargs):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(infra.log_reading.subprocess, "Popen", no_process)
    with caplog.at_level(logging.WARNING, logger="infra.log_reading"):
        assert far_behind.catch_up() == clinic.log_position()

    assert "Too many open files" in caplog.text
    assert helped == []
    assert view_rows(far_behind) == read_here_views(far_behind)


def test_a_stuck_helper_is_ended_and_leaves_the_reading_to_the_runner(
        clinic, records, far_behind, helped, monkeypatch, caplog):
    busy_course(clinic, records, 60)
    monkeypatch.setattr(infra.log_reading.Helper, "answer_within", 0.5)
    ask, read, stuck, ended_when_read_here = (infra.log_reading.Helper.ask,
                                              infra.log_reading.Reading.read, [], [])

    def stopped_then_asked(helper, start):
        if not stuck:
            stuck.append(helpers_of(os.getpid(), threading.get_native_id())[0])
            os.kill(stuck[0], signal.SIGSTOP)  # alive, and never answers
        ask(helper, start)

    def read_here(reading, start):
        if stuck:  # given up on: the batch it never answered is read here
            ended_when_read_here.append(ended(stuck[0]))
        return read(reading, start)

    monkeypatch.setattr(infra.log_reading.Helper, "ask", stopped_then_asked)
    monkeypatch.setattr(infra.log_reading.Reading, "read", read_here)
    applied = []
    catching_up = threading.Thread(target=lambda: applied.append(far_behind.catch_up()))
    try:
        with caplog.at_level(logging.WARNING, logger="infra.log_reading"):
            catching_up.start()
            catching_up.join(30)
        waited = catching_up.is_alive()
    finally:
        for pid in stuck:
            if not ended(pid):
                os.kill(pid, signal.SIGKILL)
    catching_up.join(30)

    assert not waited, "the runner waited on a stuck helper"
    assert applied == [clinic.log_position()]
    assert "no answer within 0.5 s" in caplog.text
    assert ended_when_read_here and all(ended_when_read_here), \
        "a stuck helper is ended as soon as it is given up on"
    assert not [batch for batch in helped if batch is not None]
    assert view_rows(far_behind) == read_here_views(far_behind)


def test_a_helper_ends_when_its_runner_is_killed(clinic, records, runner, settings):
    busy_course(clinic, records, 150)
    project = Path(__file__).resolve().parents[2]
    doomed = subprocess.Popen([sys.executable, "-c", KILLED_RUNNER, settings.database_url],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        with selectors.DefaultSelector() as waiting:  # epoll: any descriptor number
            waiting.register(doomed.stdout, selectors.EVENT_READ)
            assert waiting.select(60), "no batch came from a helper"
        assert doomed.stdout.readline() == b"helped\n"
        helper = helpers_of(doomed.pid)[0]  # at work: it has been asked for the next batch
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    finally:
        doomed.kill()
    wait_until(lambda: ended(helper), timeout=10)

    runner.catch_up()
    assert view_rows(runner) == read_here_views(runner)


def helpers_of(pid: int, thread: int | None = None) -> list[int]:
    """The log-reading helpers a process (its main thread, or the thread named) started."""
    try:
        children = Path(f"/proc/{pid}/task/{thread or pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(child) for child in children if "infra.log_reading" in command_of(int(child))]


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def ended(pid: int) -> bool:
    """Gone, or a zombie nobody reaped yet (its parent was killed)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


if not os.path.exists("/proc/self/task"):  # pragma: no cover - Linux only
    pytestmark = pytest.mark.skip("reads /proc")
