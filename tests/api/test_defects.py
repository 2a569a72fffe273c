"""An unhandled error (a defect) answers a problem+json 500 with a correlation id, in the body
and the Correlation-Id header, that the server log has too, with the traceback but no
personal data; and the client's connection still works. The fault is real: a row of the lot
recall view damaged by hand, holding a patient's name where a date belongs."""

from __future__ import annotations

import http.client
import logging
import os
import subprocess
from datetime import UTC, datetime

import httpx
import pytest

from infra.views import ViewDatabase
from tests.api import bodies
from tests.api.conftest import SECRET, as_role, problem
from tests.api.test_server import MESOLEDGER, free_port, wait_until_up

NAME = "Genevieve Okonkwo-Hart"
RECALL = "/v1/lots/CAF-001/exposures"
DAMAGE = "UPDATE safety_exposures SET injected_on = ?"


def test_a_damaged_view_row_answers_a_500_problem_with_a_correlation_id_in_the_log(
        app, client, given, caplog):
    course = given.formulated_course(given.screened_patient(name=NAME))
    position = given.injected(course, 1)["position"]
    assert client.get(RECALL, params={"min_position": position},
                      headers=as_role("clinician")).status_code == 200
    with app.state.services.views.transaction() as tx:
        tx.execute(DAMAGE, (NAME,))

    with caplog.at_level(logging.ERROR, logger="mesoledger.defects"):
        answer = client.get(RECALL, headers=as_role("clinician"))

    body = problem(answer, 500)
    correlation = answer.headers["Correlation-Id"]
    assert body["correlation_id"] == correlation and len(correlation) == 32
    [logged] = [record.getMessage() for record in caplog.records
                if record.name == "mesoledger.defects"]
    assert f"defect {correlation}: GET /v1/lots/{{lot}}/exposures" in logged
    assert "Traceback" in logged and "lots.py" in logged and "ValidationError" in logged
    assert "genevieve" not in logged.lower() and "okonkwo" not in logged.lower()
    assert client.get("/v1/health").status_code == 200


@pytest.fixture
def served_env(sqlite_url, tmp_path) -> dict[str, str]:
    """SQLite only: the connection is what is under test (the 500 itself runs on both
    backends above)."""
    return os.environ | {"MESOLEDGER_DATABASE_URL": sqlite_url,
                         "MESOLEDGER_JWT_SECRET": SECRET,
                         "MESOLEDGER_VAR_DIR": str(tmp_path / "var"),
                         "MESOLEDGER_SIGNING_KEY_PATH": str(tmp_path / "var" / "signing.key")}


def test_a_served_defect_keeps_the_connection_and_logs_its_correlation_id(served_env):
    """`mesoledger serve` as its own process: the 500 and the next request travel on one
    connection, and the process's log holds the correlation id."""
    process, url = _serve(served_env)
    try:
        doctor = as_role("clinician")
        _inject_one(url)
        views = ViewDatabase(served_env["MESOLEDGER_DATABASE_URL"], pool_size=1)
        with views.transaction() as tx:
            tx.execute(DAMAGE, (NAME,))
        views.close()
        connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
        connection.request("GET", RECALL, headers=doctor)
        failed = connection.getresponse()
        failed_body, socket_used = failed.read(), connection.sock
        connection.request("GET", "/v1/health")
        again = connection.getresponse()
        again.read()
        assert (failed.status, failed.getheader("content-type")) == (
            500, "application/problem+json")
        assert again.status == 200 and connection.sock is socket_used
        correlation = failed.getheader("Correlation-Id")
        assert correlation and correlation.encode() in failed_body
        connection.close()
    finally:
        output = _stop(process)
    assert f"defect {correlation}" in output and "Traceback" in output
    assert "Okonkwo" not in output


def _serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([MESOLEDGER, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
    except BaseException:
        _stop(process)
        raise
    return process, url


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=20)
    return output


def _inject_one(url: str) -> None:
    """One injection from lot CAF-001, in the lot recall view."""
    desk, doctor = as_role("receptionist"), as_role("clinician")
    with httpx.Client(base_url=f"{url}/v1", timeout=10) as api:
        pid = api.post("/patients", json=bodies.registration(name=NAME),
                       headers=desk).json()["patient_id"]
        api.post(f"/patients/{pid}/consents", json=bodies.consent(datetime.now(UTC)),
                 headers=desk).raise_for_status()
        api.post(f"/patients/{pid}/screenings", json=bodies.screening(),
                 headers=doctor).raise_for_status()
        cid = api.post(f"/patients/{pid}/courses", json=bodies.plan(),
                       headers=doctor).json()["course_id"]
        api.post(f"/courses/{cid}/formulations", json=bodies.formulation(),
                 headers=doctor).raise_for_status()
        position = api.post(f"/courses/{cid}/injections", json=bodies.injection(1),
                            headers=doctor).json()["position"]
        api.get(RECALL.removeprefix("/v1"), params={"min_position": position},
                headers=doctor).raise_for_status()
