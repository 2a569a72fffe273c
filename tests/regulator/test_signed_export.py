"""Electronic signatures in a regulator's copy: shown on the entries they sign, in the JSON
export, the readable copy and FHIR, and bound to their entry: the offline verifier fails a
signature cut from one entry and pasted onto another."""

from __future__ import annotations

import copy
from uuid import UUID

import pytest

from api import verify_export
from domain.ledger import event_leaf_hash
from domain.values import Actor
from tests.api.conftest import as_role
from tests.api.test_signature_attacks import Clinic

REGULATOR = as_role("regulator")


@pytest.fixture
def signed(client, clock) -> dict:
    """A course with a clinician's signed plan and a nurse's injection she signed and her
    supervisor co-signed; then the patient's export."""
    clinic = Clinic(client, clock)
    course, injection = clinic.course_with_nurse_injection()
    assert clinic.sign(course, 1).status_code == 201
    assert clinic.sign(course, injection, headers=clinic.nurse).status_code == 201
    assert clinic.sign(course, injection, "cosignature").status_code == 201
    patient = client.get(f"/v1/courses/{course}", headers=clinic.clinician).json()["patient_id"]
    return {"clinic": clinic, "course": course, "injection": injection, "patient": patient}


def exported(client, patient: str, path: str = "export", **params):
    response = client.get(f"/v1/patients/{patient}/{path}", params=params, headers=REGULATOR)
    assert response.status_code == 200, response.text
    return response


def log_key(client) -> str:
    return client.get("/v1/integrity/public-key", headers=REGULATOR).json()["vkey"]


def test_signatures_verify_offline_and_show_name_time_and_meaning(client, signed):
    export = exported(client, signed["patient"]).json()
    assert verify_export.check(export, log_key(client)).startswith("ok")
    states = verify_export.states_of(export["events"])
    lines = "\n".join(verify_export.history(
        export["events"], states, verify_export.signatures_of(export["events"], states)))
    assert "SIGNED (authorship) by Dr Maria Rossi" in lines
    assert "SIGNED (cosignature) by Dr Maria Rossi" in lines
    assert "SIGNED (authorship) by Nurse Tom Baker" in lines
    [injected] = [e for e in export["history"] if e["record_id"] == signed["course"]
                  and e["version"] == signed["injection"]]
    assert [(s["meaning"], s["signer"]["name"]) for s in injected["signatures"]] == [
        ("authorship", "Nurse Tom Baker"), ("cosignature", "Dr Maria Rossi")]


def test_signature_moved_to_another_entry_in_the_export_fails_verification(client, signed):
    export = exported(client, signed["patient"]).json()
    doctored = copy.deepcopy(export)
    course = [e for e in doctored["history"] if e["record_id"] == signed["course"]]
    plan, formulation = course[0], course[1]
    formulation["signatures"], plan["signatures"] = plan["signatures"], []
    with pytest.raises(verify_export.Failed, match="signatures are not the proven ones"):
        verify_export.check(doctored, log_key(client))


def test_signature_bound_to_another_entrys_hash_fails_verification(app, client, signed,
                                                                   clock):
    """A signature recorded over the leaf of entry 2 but naming entry 1 (a signature pasted
    from one entry onto another, even by the store itself) is caught offline."""
    records = app.state.services.records
    course = records.course(UUID(signed["course"]))
    formulation_leaf = event_leaf_hash(records.recorder.select_entry(course.id, 2))
    signer = Actor(signed["clinic"].clinician_id, "Dr Maria Rossi", "clinician")
    course.sign(1, "review", formulation_leaf, signer, clock())
    records._save(course)
    export = exported(client, signed["patient"]).json()
    with pytest.raises(verify_export.Failed, match="not bound to the entry it names"):
        verify_export.check(export, log_key(client))


def test_readable_copy_and_fhir_show_each_signature(client, signed):
    html = exported(client, signed["patient"], format="html").text
    assert 'Signed (cosignature) by <span class="signer">Dr Maria Rossi</span>' in html
    bundle = exported(client, signed["patient"], format="fhir").json()
    provenances = [e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Provenance"]
    signatures = [s for p in provenances for s in p.get("signature", [])]
    assert {s["type"][0]["code"] for s in signatures} == {
        "1.2.840.10065.1.12.1.1", "1.2.840.10065.1.12.1.5"}  # author's, verification
    assert all(s["who"]["display"] for s in signatures) and all(s["when"] for s in signatures)
