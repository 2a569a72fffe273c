"""A patient's export, checked offline by the standalone verifier; any flipped byte fails."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from api import verify_export
from tests.api import bodies
from tests.api.conftest import as_role

DR, DESK, REGULATOR = as_role("clinician"), as_role("receptionist"), as_role("regulator")


def treated_patient(client, clock, mrn: str = "MRN-0001") -> str:
    patient = client.post("/v1/patients", json=bodies.registration(mrn), headers=DESK).json()
    pid = patient["patient_id"]
    client.post(f"/v1/patients/{pid}/consents", json=bodies.consent(clock()), headers=DESK)
    client.post(f"/v1/patients/{pid}/screenings", json=bodies.screening(), headers=DR)
    cid = client.post(f"/v1/patients/{pid}/courses", json=bodies.plan(),
                      headers=DR).json()["course_id"]
    client.post(f"/v1/courses/{cid}/formulations", json=bodies.formulation(), headers=DR)
    wrong = client.post(f"/v1/courses/{cid}/injections", json=bodies.injection(1), headers=DR)
    client.post(f"/v1/courses/{cid}/voids", json={"version": wrong.json()["version"],
                                                 "reason": "wrong patient"}, headers=DR)
    client.post(f"/v1/courses/{cid}/injections", json=bodies.injection(1), headers=DR)
    return pid


def exported(client, pid: str, **params) -> dict:
    response = client.get(f"/v1/patients/{pid}/export", params=params, headers=REGULATOR)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def export(client, clock) -> dict:
    treated_patient(client, clock, "MRN-OTHER")  # someone else's events share the tree
    return exported(client, treated_patient(client, clock))


def test_an_export_verifies_offline_with_only_its_own_events(export, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    run = subprocess.run([sys.executable, "-m", "api.verify_export", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(export["events"]) == 8 < export["checkpoint"]["size"]  # 8 entries, 1 void
    assert "Genevieve" not in path.read_text()


@pytest.mark.parametrize("part, corrupt", [
    ("checkpoint", lambda e: e["checkpoint"].update(root="00" * 32)),
    ("checkpoint", lambda e: e["checkpoint"].update(signature=e["checkpoint"]["signature"][::-1])),
    ("event at position", lambda e: e["events"][3].update(
        state=_flip(e["events"][3]["state"]))),
    ("event at position", lambda e: e["events"][0]["inclusion_proof"].__setitem__(
        0, "ff" + e["events"][0]["inclusion_proof"][0][2:])),
    ("history", lambda e: e["history"].pop()),
    ("history entry", lambda e: e["history"][5]["details"].update(reason="altered")),
])
def test_a_flipped_byte_anywhere_fails_naming_the_part(export, part, corrupt):
    tampered = copy.deepcopy(export)
    corrupt(tampered)
    with pytest.raises(verify_export.ExportInvalid, match=part):
        verify_export.check(tampered)


def test_an_export_against_a_newer_checkpoint_proves_consistency_with_an_older_one(
        client, clock):
    pid = treated_patient(client, clock)
    old = exported(client, pid)["checkpoint"]
    treated_patient(client, clock, "MRN-0002")
    newer = exported(client, pid, since_checkpoint=old["size"])

    assert newer["checkpoint"]["size"] > old["size"]
    assert newer["consistency"]["from"] == old
    assert verify_export.check(newer).startswith("ok")
    newer["consistency"]["proof"][0] = "00" * 32
    with pytest.raises(verify_export.ExportInvalid, match="consistency proof"):
        verify_export.check(newer)


def _flip(state_b64: str) -> str:
    import base64
    raw = bytearray(base64.b64decode(state_b64))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()
