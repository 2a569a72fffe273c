"""A whole course over HTTP, as the clinic's staff would record it."""

from __future__ import annotations

from tests.api import bodies
from tests.api.conftest import as_role
from tests.api.staff import clinician_account

CLINICIAN, NURSE, RECEPTION = as_role("clinician"), as_role("nurse"), as_role("receptionist")


def post(client, path: str, body: dict, headers: dict, status: int = 201) -> dict:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def test_a_whole_course_shows_in_progress_history_and_audit(client, clock):
    patient = post(client, "/v1/patients", bodies.registration(), RECEPTION)["patient_id"]
    post(client, f"/v1/patients/{patient}/consents", bodies.consent(clock()), RECEPTION)
    screened = post(client, f"/v1/patients/{patient}/screenings", bodies.screening(), CLINICIAN)
    assert screened["result"] == "eligible"
    course = post(client, f"/v1/patients/{patient}/courses", bodies.plan(), CLINICIAN)["course_id"]
    entries = f"/v1/courses/{course}"
    post(client, f"{entries}/formulations", bodies.formulation(), CLINICIAN)
    post(client, f"{entries}/outcomes", bodies.outcome("9"), CLINICIAN)
    post(client, f"{entries}/injections", bodies.injection(1), CLINICIAN)
    clock.advance(days=14)
    supervisor = clinician_account(client)
    mistaken = post(client, f"{entries}/injections",
                    bodies.injection(2, supervisor=supervisor), NURSE)
    post(client, f"{entries}/voids", {"version": mistaken["version"], "reason": "wrong chart"},
         CLINICIAN)
    post(client, f"{entries}/injections", bodies.injection(2, volume="1.5",
                                                          supervisor=supervisor), NURSE)
    last = post(client, f"{entries}/adverse-events", bodies.adverse_event(clock()), NURSE)

    fresh = {"min_position": last["position"]}
    progress = client.get(f"/v1/patients/{patient}/progress", params=fresh,
                          headers=CLINICIAN).json()
    assert [(a["area"], a["sessions_done"], a["volume_ml"], a["adverse_events"])
            for a in progress] == [("thighs.lateral", 2, "3.5", 1)]
    history = client.get(f"/v1/patients/{patient}/history", params=fresh,
                         headers=CLINICIAN).json()
    struck = [e for e in history if e["voided_by"]]
    assert [(e["version"], e["actor"]["role"]) for e in struck] == [(mistaken["version"],
                                                                     "nurse")]
    audit = client.get("/v1/audit", params={"patient_id": patient, **fresh},
                       headers=as_role("auditor")).json()["entries"]
    clinical = [e["position"] for e in audit if e["aggregate_type"] != "MrnIndex"]
    assert clinical == [e["position"] for e in history]
    assert {e["actor_id"] for e in audit} == {"u-recep-1", "u-clin-1", "u-nurse-1"}


def test_reads_carry_the_version_as_etag_and_replay_the_past(client, clock):
    patient = post(client, "/v1/patients", bodies.registration(), RECEPTION)["patient_id"]
    consented = post(client, f"/v1/patients/{patient}/consents", bodies.consent(clock()),
                     RECEPTION)
    history = client.get(f"/v1/patients/{patient}/history", headers=CLINICIAN,
                         params={"min_position": consented["position"]}).json()
    registered_at = history[0]["recorded_at"]  # as_of is server (recording) time

    now = client.get(f"/v1/patients/{patient}", headers=CLINICIAN)
    then = client.get(f"/v1/patients/{patient}", params={"as_of": registered_at},
                      headers=CLINICIAN)

    assert now.headers["ETag"] == '"2"'
    assert [c["scope"] for c in now.json()["consents"]] == ["treatment"]
    assert then.headers["ETag"] == '"1"' and then.json()["consents"] == []
    assert then.json()["personal_data"]["name"] == "Genevieve Okonkwo-Hart"
