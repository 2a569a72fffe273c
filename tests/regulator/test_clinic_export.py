"""A whole clinic for an inspection: NDJSON, every patient proven complete against one
checkpoint, checked by the same offline verifier a line at a time."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.api.conftest import as_role, as_staff_of
from tests.regulator.test_export import treated_patient

REGULATOR, AUDITOR = as_role("regulator"), as_role("auditor")


def test_a_clinic_export_proves_every_patient_against_one_checkpoint(client, clock, tmp_path):
    patients = {treated_patient(client, clock, f"MRN-{n}") for n in range(3)}
    log_key = client.get("/v1/integrity/public-key", headers=REGULATOR).json()["vkey"]

    response = client.get("/v1/clinics/clinic-a/export", headers=REGULATOR)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    header, *lines = [json.loads(line) for line in response.text.splitlines()]
    assert header["format"] == "mesoledger-clinic-export/2"
    assert {line["patient_id"] for line in lines} == patients
    (tmp_path / "clinic.ndjson").write_text(response.text)
    (tmp_path / "log.vkey").write_text(log_key)
    run = subprocess.run([sys.executable, "-m", "api.verify_export",
                          str(tmp_path / "clinic.ndjson"), "--log-key",
                          str(tmp_path / "log.vkey")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith("ok: 24 entries of 3 patient(s)")


def test_a_clinic_export_missing_an_entry_of_one_patient_fails(client, clock, tmp_path):
    treated_patient(client, clock)
    text = client.get("/v1/clinics/clinic-a/export", headers=REGULATOR).text
    header, patient = text.splitlines()
    doctored = json.loads(patient)
    doctored["events"].pop(4)
    (tmp_path / "clinic.ndjson").write_text(header + "\n" + json.dumps(doctored) + "\n")

    run = subprocess.run([sys.executable, "-m", "api.verify_export",
                          str(tmp_path / "clinic.ndjson"), "--trust-on-first-use"],
                         capture_output=True, text=True)

    assert run.returncode == 1 and "not every entry" in run.stderr


def test_only_oversight_of_that_clinic_may_export_it(client, clock):
    treated_patient(client, clock)

    own_auditor = client.get("/v1/clinics/clinic-a/export", headers=AUDITOR)
    other_auditor = client.get("/v1/clinics/clinic-a/export",
                               headers=as_staff_of("clinic-b", "auditor"))
    clinician = client.get("/v1/clinics/clinic-a/export", headers=as_role("clinician"))

    assert own_auditor.status_code == 200
    assert other_auditor.status_code == 404  # another clinic is answered like no clinic
    assert clinician.status_code == 403
