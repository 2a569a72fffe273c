"""A patient's export, checked offline by the standalone verifier against pinned keys: the
genuine copy passes; a clinic handing over a doctored one is caught, each way with its own
message; a file that is no export gets one line, never a traceback."""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api import verify_export
from domain.ledger.signed_note import NoteSigner
from tests.api import bodies
from tests.api.conftest import as_role

DR, DESK, REGULATOR = as_role("clinician"), as_role("receptionist"), as_role("regulator")


def treated_patient(client, clock, mrn: str = "MRN-0001") -> str:
    """Registered, consented, screened, a course with a mix, a voided injection and a good
    one: 8 entries."""
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
def log_key(client) -> str:
    """The log's verifier key as the clinic publishes it (and the regulator pins it)."""
    return client.get("/v1/integrity/public-key", headers=REGULATOR).json()["vkey"]


@pytest.fixture
def export(client, clock) -> dict:
    treated_patient(client, clock, "MRN-OTHER")  # someone else's events share the tree
    return exported(client, treated_patient(client, clock))


def run_verifier(tmp_path, document, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "export.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return subprocess.run([sys.executable, "-m", "api.verify_export", str(path), *args],
                          capture_output=True, text=True)


def pinned(tmp_path, vkey: str, name: str = "log.vkey") -> str:
    (tmp_path / name).write_text(vkey + "\n")
    return str(tmp_path / name)


def test_an_export_verifies_offline_against_the_pinned_log_key(export, log_key, tmp_path):
    run = run_verifier(tmp_path, export, "--log-key", pinned(tmp_path, log_key))

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith("ok: 8 entries of 1 patient(s)")
    assert "Dr Maria Rossi" in run.stdout and "VOIDED by Dr Maria Rossi: wrong patient" in (
        run.stdout)
    assert "Genevieve" not in json.dumps(export)


def test_without_a_pinned_log_key_it_names_the_key_and_stops(export, log_key, tmp_path):
    unpinned = run_verifier(tmp_path, export)
    trusted = run_verifier(tmp_path, export, "--trust-on-first-use")

    assert unpinned.returncode == 3 and log_key in unpinned.stderr
    assert trusted.returncode == 0, trusted.stderr


def _drop(index):
    return lambda e: e["events"].pop(index) and e["history"].pop(index)


def _drop_course(e):
    course = next(ev["originator_id"] for ev in e["events"] if "TreatmentCourse" in ev["topic"])
    e["events"] = [ev for ev in e["events"] if ev["originator_id"] != course]
    e["history"] = [h for h in e["history"] if h["record_id"] != course]


def _edit_state(index, old: bytes, new: bytes):
    def edit(e):
        raw = base64.b64decode(e["events"][index]["state"])
        assert old in raw
        e["events"][index]["state"] = base64.b64encode(raw.replace(old, new)).decode()
    return edit


ATTACKS = {
    "first entry removed": (_drop(0), "not every entry"),
    "a middle injection removed": (_drop(5), "not every entry"),
    "the newest entry removed": (_drop(-1), "not every entry"),
    "a whole course removed": (_drop_course, "not every entry"),
    "author changed in the event": (_edit_state(2, b"Maria", b"Mario"), "not in the signed"),
    "author changed in the readable part": (
        lambda e: e["history"][2]["actor"].update(name="Dr Someone Else"), "its author"),
    "clinical time changed": (
        lambda e: e["history"][3].update(occurred_at="2020-01-01T00:00:00+00:00"),
        "its clinical time"),
    "recorded time changed": (
        lambda e: e["history"][3].update(recorded_at="2020-01-01T00:00:00+00:00"),
        "its recorded time"),
    "void marker removed": (
        lambda e: next(h for h in e["history"] if h["voided_by"]).update(voided_by=None),
        "its void mark"),
    "inclusion proof forged": (
        lambda e: e["events"][0]["inclusion_proof"].__setitem__(
            0, base64.b64encode(bytes(32)).decode()), "not in the signed tree"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_doctored_export_fails_naming_what(export, log_key, attack):
    doctor, message = ATTACKS[attack]
    doctored = copy.deepcopy(export)
    doctor(doctored)

    with pytest.raises(verify_export.Failed, match=message):
        verify_export.check(doctored, log_key)


def test_a_checkpoint_re_signed_with_another_key_fails_under_the_pinned_key(export, log_key):
    origin = export["checkpoint"].split("\n")[0]
    impostor = NoteSigner(origin, Ed25519PrivateKey.generate())
    text = export["checkpoint"].rpartition("\n\n")[0] + "\n"
    resigned = {**export, "checkpoint": impostor.sign(text),
                "log_key": impostor.verifier.vkey}

    assert verify_export.check(resigned, impostor.verifier.vkey).startswith("ok")
    with pytest.raises(verify_export.Failed, match="not signed by the pinned log key"):
        verify_export.check(resigned, log_key)


def test_a_witness_cosignature_missing_when_needed_fails(export, log_key):
    witness = NoteSigner("witness.example/w1", Ed25519PrivateKey.generate(), 0x04)

    with pytest.raises(verify_export.Failed, match="0 of the pinned witnesses, 1 needed"):
        verify_export.check(export, log_key, witness_keys=(witness.verifier.vkey,))


@pytest.mark.parametrize("content", ["{not json", '{"format": "mesoledger-export/2"', "",
                                     '{"format": "something else"}', "[1, 2, 3]"])
def test_a_malformed_or_truncated_file_gets_one_line_and_exit_2(tmp_path, log_key, content):
    run = run_verifier(tmp_path, content, "--log-key", pinned(tmp_path, log_key))

    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_a_truncated_export_is_refused_without_a_traceback(export, log_key, tmp_path):
    whole = json.dumps(export)
    run = run_verifier(tmp_path, whole[:len(whole) // 2], "--log-key",
                       pinned(tmp_path, log_key))

    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_a_newer_export_proves_it_extends_the_regulators_earlier_checkpoint(client, clock,
                                                                            log_key):
    pid = treated_patient(client, clock)
    earlier = exported(client, pid)["checkpoint"]  # what the regulator kept
    treated_patient(client, clock, "MRN-0002")
    size = int(earlier.split("\n")[1])
    newer = exported(client, pid, since_checkpoint=size)

    assert verify_export.check(newer, log_key, trusted=earlier).startswith("ok")
    forged = copy.deepcopy(newer)
    forged["consistency"]["proof"][0] = base64.b64encode(bytes(32)).decode()
    with pytest.raises(verify_export.Failed, match="does not extend your trusted"):
        verify_export.check(forged, log_key, trusted=earlier)
    with pytest.raises(verify_export.Failed, match="proves nothing about your trusted"):
        verify_export.check({**newer, "consistency": None}, log_key, trusted=earlier)


def test_the_readable_copy_shows_the_record_as_it_stood_at_a_past_instant(client, clock):
    pid = treated_patient(client, clock)
    then = clock()
    clock.advance(hours=1)
    client.post(f"/v1/patients/{pid}/allergies", json={"substance": "procaine",
                                                      "reaction": "hives"}, headers=DR)

    now = client.get(f"/v1/patients/{pid}/export", params={"format": "html"}, headers=REGULATOR)
    past = client.get(f"/v1/patients/{pid}/export",
                      params={"format": "html", "as_of": then.isoformat()}, headers=REGULATOR)

    assert "procaine" in now.text and "procaine" not in past.text


def test_a_proven_export_as_of_a_past_instant_is_refused_naming_the_parameter(client, clock):
    pid = treated_patient(client, clock)
    before = app_position(client)

    response = client.get(f"/v1/patients/{pid}/export", params={"as_of": clock().isoformat()},
                          headers=REGULATOR)

    assert response.status_code == 409 and response.json()["field"] == "as_of"
    assert app_position(client) == before


def app_position(client) -> int:
    return client.app.state.services.log_position()
