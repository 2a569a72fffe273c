"""Sixteen workstations for a bounded time over both API processes while the cluster is
hurt: each worker SIGKILLed and started again, one API process SIGKILLed and started again,
PostgreSQL stopped (the API answers 503 meanwhile) and started again. Afterwards the store
is held to account: every 201 is exactly one stored event, no event lacks its 201, the
views equal a rebuild and `mesoledger verify` passes.

MESOLEDGER_SYSTEM_SECONDS sets how long the load runs (CI: the default below).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from uuid import UUID

import httpx
import pytest

from infra.projecting import open_runner
from infra.records import open_records
from tests.api import bodies
from tests.projections.test_exactly_once import view_rows
from tests.system.cluster import Cluster, postgres_away
from tests.system.load import (
    CLINICIAN,
    FINAL_ANSWER_WITHIN,
    Ledger,
    Workstation,
    Write,
    open_clinic,
)

SECONDS = float(os.environ.get("MESOLEDGER_SYSTEM_SECONDS", "40"))
WORKSTATIONS = 16
RECOVERY_WITHIN = 30.0


@pytest.fixture
def records(cluster):
    records = open_records(cluster.settings)
    yield records
    records.close()


def test_nothing_is_lost_or_doubled_under_load_and_faults(cluster, records):
    clinic = open_clinic(cluster.apis[0].url)
    start = records.recorder.max_notification_id()
    ledger, stop = Ledger(), threading.Event()
    stations = [Workstation(n, cluster, clinic, ledger, stop) for n in range(WORKSTATIONS)]
    for station in stations:
        station.start()
    outage = hurt(cluster, clinic, ledger, SECONDS)
    stop.set()
    for station in stations:
        station.join(FINAL_ANSWER_WITHIN + 30)

    assert not ledger.defects, ledger.defects[:5]
    assert outage == {"health": 503, "read": 503, "write": 503}, cluster.logs()
    assert all(member.alive for member in cluster.members), cluster.logs()
    assert [w.key for w in ledger.writes if w.status is None] == []
    created = [w for w in ledger.writes if w.status == 201]
    assert len(created) > 10 * WORKSTATIONS, ledger.statuses
    every_201_is_one_event_and_every_event_has_its_201(cluster, records, ledger, start)
    the_views_equal_a_rebuild(cluster, records)
    verified = cluster.cli("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def hurt(cluster: Cluster, clinic, ledger: Ledger, seconds: float) -> dict[str, int]:
    """Kill and restart each kind of process, then take the database away, on a schedule
    spread over `seconds`; return what the API answered while the database was away."""
    (first_worker, second_worker), api = cluster.workers, cluster.apis[0]
    began, outage = time.monotonic(), {}

    def at(fraction: float) -> None:
        time.sleep(max(0.0, began + fraction * seconds - time.monotonic()))

    for when, act in ((0.10, first_worker.kill), (0.15, first_worker.start),
                      (0.20, second_worker.kill), (0.25, second_worker.start),
                      (0.35, api.kill), (0.45, api.start)):
        at(when)
        act()
    at(0.60)
    with postgres_away():
        outage = answers_while_away(cluster, clinic)
    wait_for_a_write(cluster, clinic, ledger)
    at(1.0)
    return outage


def answers_while_away(cluster: Cluster, clinic) -> dict[str, int]:
    url, (patient, course) = cluster.apis[1].url, clinic.aside
    asked = {"health": ("GET", "/v1/health", None),
             "read": ("GET", f"/v1/patients/{patient}/progress", None),
             "write": ("POST", f"/v1/courses/{course}/injections", bodies.injection(1))}
    answers = {}
    for name, (method, path, body) in asked.items():
        response = httpx.request(method, url + path, json=body, headers=CLINICIAN, timeout=60)
        assert response.status_code != 503 or "Retry-After" in response.headers
        answers[name] = response.status_code
    return answers


def wait_for_a_write(cluster: Cluster, clinic, ledger: Ledger) -> None:
    """Both API processes recover by themselves once the database is back."""
    deadline, path = time.monotonic() + RECOVERY_WITHIN, f"/v1/courses/{clinic.aside[1]}/outcomes"
    for attempt in itertools.count():
        key = f"recovery-{attempt}"
        answers = [httpx.post(api.url + path, json=bodies.outcome("7", "follow_up", 1),
                              headers=CLINICIAN | {"Idempotency-Key": f"{key}-{api.name}"},
                              timeout=30) for api in cluster.apis]
        for api, answer in zip(cluster.apis, answers, strict=True):
            ledger.saw("POST", path, answer)
            ledger.wrote(Write(f"{key}-{api.name}", path, answer.status_code, answer.json()))
        if all(answer.status_code == 201 for answer in answers):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"no recovery within {RECOVERY_WITHIN} s\n{cluster.logs()}")
        time.sleep(0.5)


def every_201_is_one_event_and_every_event_has_its_201(cluster, records, ledger, start):
    marked = {key: (UUID(record), version, position) for key, record, version, position in
              cluster.sql("SELECT key, record_id, record_version, record_position"
                          " FROM idempotent_requests WHERE record_id IS NOT NULL")}
    events = records.recorder.select_notifications(start + 1, 10_000_000)
    position_of = {(e.originator_id, e.originator_version): e.id for e in events}
    expected = set()
    for write in ledger.writes:
        if write.status != 201:
            assert write.key not in marked, f"{write} was refused yet recorded"
            continue
        record = UUID(write.body.get("course_id") or write.body["patient_id"])
        assert marked[write.key] == (record, write.body["version"], write.body["position"])
        first = position_of[(record, write.body["version"])]
        expected.add(first)
        if write.path == "/v1/patients":  # a registration claims its MRN (under one or more
            expected.update(range(first, write.body["position"] + 1))  # keys) in its save
    assert {e.id for e in events} == expected


def the_views_equal_a_rebuild(cluster: Cluster, records) -> None:
    runner = open_runner(records, cluster.settings)
    try:
        end = records.recorder.max_notification_id()
        assert runner.wait_for(end, timeout=60), "the workers did not catch up"
        cluster.stop()  # the rebuild needs the runner lock
        live = view_rows(runner)
        runner.rebuild(*runner.projections)
        assert view_rows(runner) == live
    finally:
        runner.views.close()
