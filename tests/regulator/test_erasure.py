"""Erasure: refused and recorded while retention runs; afterwards the key is destroyed, the
person reads "[erased]" everywhere, and every hash, proof and export still verifies."""

from __future__ import annotations

from api import verify_export
from tests.api.conftest import as_role
from tests.regulator.test_export import DR, REGULATOR, exported, treated_patient

TEN_YEARS_AND_A_DAY = 3653 + 1


def erase(client, pid: str):
    return client.post(f"/v1/patients/{pid}/erasure", json={"reason": "patient's request"},
                       headers=DR)


def test_erasure_within_retention_is_refused_and_the_refusal_recorded(client, clock):
    pid = treated_patient(client, clock)
    clock.advance(days=365)

    refused = erase(client, pid)

    assert refused.status_code == 409
    assert refused.json()["rule"] == "retention_period_running"
    history = client.get(f"/v1/patients/{pid}/history", headers=DR,
                         params={"min_position": refused.json()["position"]}).json()
    assert history[-1]["event_type"] == "ErasureRefused"
    assert "GDPR Art. 17(3)" in history[-1]["details"]["legal_basis"]
    record = client.get(f"/v1/patients/{pid}", headers=DR).json()
    assert record["personal_data"]["name"] == "Genevieve Okonkwo-Hart"


def test_after_retention_the_person_is_erased_and_every_proof_still_holds(client, clock, app):
    pid = treated_patient(client, clock)
    before = exported(client, pid)
    clock.advance(days=TEN_YEARS_AND_A_DAY)

    erased = erase(client, pid)

    assert erased.status_code == 201, erased.text
    assert client.get(f"/v1/patients/{pid}", headers=DR).json()["personal_data"] is None
    live = client.get("/v1/patients", headers=DR, params={
        "mrn": "MRN-0001", "min_position": erased.json()["position"]}).json()
    assert [entry["name"] for entry in live] == ["[erased]"]
    app.state.services.stop_projections()  # a rebuild runs alone, as `mesoledger` does it
    runner = app.state.services.runner
    for view in runner.projections:
        runner.rebuild(view)
    directory = client.get("/v1/patients", params={"mrn": "MRN-0001"}, headers=DR).json()
    assert [entry["name"] for entry in directory] == ["[erased]"]
    assert client.get("/v1/integrity/verify", headers=REGULATOR).json()["ok"] is True
    log_key = client.get("/v1/integrity/public-key", headers=REGULATOR).json()["vkey"]
    assert verify_export.check(before, log_key).startswith("ok")
    size = int(before["checkpoint"].split("\n")[1])
    after = exported(client, pid, since_checkpoint=size)
    assert verify_export.check(after, log_key, trusted=before["checkpoint"]).startswith("ok")
    assert erase(client, pid).status_code == 409  # already erased: nothing more to do


def test_erasing_another_clinics_patient_is_not_found_and_records_nothing(client, clock, app):
    pid = treated_patient(client, clock)
    clock.advance(days=TEN_YEARS_AND_A_DAY)
    before = app.state.services.log_position()

    probe = client.post(f"/v1/patients/{pid}/erasure", json={"reason": "x"},
                        headers=as_role("clinician", "clinic-b"))

    assert probe.status_code == 404
    assert app.state.services.log_position() == before
