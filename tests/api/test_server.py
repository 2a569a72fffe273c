"""The real thing: `mesoledger serve` as its own uvicorn process on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api import bodies

MESOLEDGER = str(Path(sys.executable).with_name("mesoledger"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server_env(database_url, tmp_path) -> dict[str, str]:
    return os.environ | {"MESOLEDGER_DATABASE_URL": database_url,
                         "MESOLEDGER_VAR_DIR": str(tmp_path / "var"),
                         "MESOLEDGER_SIGNING_KEY_PATH": str(tmp_path / "var" / "signing.key")}


@pytest.fixture
def server(server_env):
    port = free_port()
    process = subprocess.Popen([MESOLEDGER, "serve", "--port", str(port)], env=server_env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)  # uvicorn shuts down, then re-raises the signal
        assert process.wait(timeout=20) in (0, -signal.SIGTERM), process.stdout.read()


def wait_until_up(url: str, process: subprocess.Popen, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # the process is still binding its port
    raise AssertionError(f"server did not come up within {within} s")


def minted(env: dict, role: str, sub: str) -> dict[str, str]:
    token = subprocess.run([MESOLEDGER, "token", "--sub", sub, "--name", f"Staff {sub}",
                            "--role", role, "--clinic", "clinic-a"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


def test_served_process_records_a_course_with_tokens_from_the_command_line(server, server_env,
                                                                          clock):
    desk, doctor = minted(server_env, "receptionist", "u-2"), minted(server_env, "clinician", "u-1")
    with httpx.Client(base_url=f"{server}/v1", timeout=10) as http:
        patient = http.post("/patients", json=bodies.registration(), headers=desk).json()
        pid = patient["patient_id"]
        http.post(f"/patients/{pid}/consents", json=bodies.consent(clock()), headers=desk)
        http.post(f"/patients/{pid}/screenings", json=bodies.screening(), headers=doctor)
        course = http.post(f"/patients/{pid}/courses", json=bodies.plan(), headers=doctor).json()
        cid = course["course_id"]
        http.post(f"/courses/{cid}/formulations", json=bodies.formulation(), headers=doctor)
        injected = http.post(f"/courses/{cid}/injections", json=bodies.injection(1),
                             headers=doctor)
        progress = http.get(f"/patients/{pid}/progress", headers=doctor,
                            params={"min_position": injected.json()["position"]})

    assert injected.status_code == 201, injected.text
    assert [(a["sessions_done"], a["volume_ml"]) for a in progress.json()] == [(1, "2")]
    assert httpx.get(f"{server}/docs").status_code == 200
