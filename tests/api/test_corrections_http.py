"""Corrections over HTTP on both backends: POST /v1/patients/{id}/voids, kinds, who may void
(a 403 naming the rule, nothing recorded), and amendments and the entries they supersede
naming each other in the history."""

from __future__ import annotations

from tests.api import bodies
from tests.api.conftest import as_role, nothing_recorded, problem
from tests.api.staff import clinician_account

DR, NURSE, DESK = as_role("clinician"), as_role("nurse"), as_role("receptionist")


def history(client, patient: str) -> dict[int, dict]:
    fresh = {"min_position": client.app.state.services.log_position()}
    response = client.get(f"/v1/patients/{patient}/history", params=fresh, headers=DR)
    assert response.status_code == 200, response.text
    return {(e["record_type"], e["version"]): e for e in response.json()}


def test_a_voided_allergy_stays_in_history_marked_and_no_longer_blocks_the_mix(client, given):
    patient = given.screened_patient()
    course = given.course(patient)
    wrong = given.post(f"/v1/patients/{patient}/allergies",
                       {"substance": "caffeine", "reaction": "rash"})
    blocked = client.post(f"/v1/courses/{course}/formulations", json=bodies.formulation(),
                          headers=DR)
    problem(blocked, 409, rule="allergen_in_formulation")

    void = given.post(f"/v1/patients/{patient}/voids", {
        "version": wrong["version"], "kind": "allergy", "reason": "another patient's chart"})
    given.post(f"/v1/courses/{course}/formulations", bodies.formulation())

    entries = history(client, patient)
    struck = entries[("Patient", wrong["version"])]
    assert struck["event_type"] == "AllergyRecorded"
    assert struck["voided_by"]["reason"] == "another patient's chart"
    assert struck["voided_by"]["position"] == void["position"]
    assert entries[("Patient", void["version"])]["details"]["entry_kind"] == "allergy"
    audit = client.get("/v1/audit", headers=as_role("auditor"), params={
        "patient_id": patient, "event_type": "EntryVoided",
        "min_position": void["position"]}).json()["entries"]
    assert [(e["action"], e["aggregate_type"], e["version"]) for e in audit] == [
        ("void", "Patient", void["version"])]


def test_a_void_naming_another_kind_is_refused_and_records_nothing(app, client, given):
    patient = given.screened_patient()
    with nothing_recorded(app):
        refused = client.post(f"/v1/patients/{patient}/voids", headers=DR, json={
            "version": 3, "kind": "allergy", "reason": "wrong"})
        unknown_kind = client.post(f"/v1/patients/{patient}/voids", headers=DR, json={
            "version": 3, "kind": "injection", "reason": "a course's kind"})
        registration = client.post(f"/v1/patients/{patient}/voids", headers=DR, json={
            "version": 1, "reason": "the registration"})
    problem(refused, 409, rule="void_kind_mismatch")
    problem(unknown_kind, 422, field="kind")
    problem(registration, 409, rule="entry_not_voidable")


def test_a_nurse_may_void_only_her_own_entry_and_a_receptionist_none(app, client, given,
                                                                      clock):
    patient = given.screened_patient()
    course = given.formulated_course(patient)
    hers = given.post(f"/v1/courses/{course}/outcomes", bodies.outcome(), "nurse")
    theirs = given.post(f"/v1/courses/{course}/outcomes", bodies.outcome(), "clinician")
    with nothing_recorded(app):
        others = client.post(f"/v1/courses/{course}/voids", headers=NURSE, json={
            "version": theirs["version"], "reason": "not mine"})
        screening = client.post(f"/v1/patients/{patient}/voids", headers=NURSE, json={
            "version": 3, "reason": "not mine"})
        desk = client.post(f"/v1/patients/{patient}/voids", headers=DESK, json={
            "version": 2, "reason": "the desk"})
    problem(others, 403, rule="void_not_permitted")
    problem(screening, 403, rule="void_not_permitted")
    problem(desk, 403, type="urn:mesoledger:problem:role_not_permitted")

    clock.advance(hours=25)
    with nothing_recorded(app):
        late = client.post(f"/v1/courses/{course}/voids", headers=NURSE, json={
            "version": hers["version"], "reason": "a day later"})
    problem(late, 403, rule="void_not_permitted")


def test_a_nurse_voids_her_own_injection_the_same_day(client, given):
    course = given.formulated_course()
    hers = given.post(f"/v1/courses/{course}/injections",
                      bodies.injection(1, supervisor=clinician_account(client)), "nurse")
    given.post(f"/v1/courses/{course}/voids", {"version": hers["version"], "kind": "injection",
                                               "reason": "charted twice"}, "nurse")


def test_an_amendment_and_the_entry_it_supersedes_name_each_other(client, given):
    patient = given.patient()
    first = given.post(f"/v1/patients/{patient}/personal-data", bodies.amendment(), "receptionist")
    second = given.post(f"/v1/patients/{patient}/personal-data",
                        bodies.amendment(reason="second typo") | {"supersedes": first["version"]},
                        "receptionist")
    stale = client.post(f"/v1/patients/{patient}/personal-data", headers=DESK,
                        json=bodies.amendment() | {"supersedes": first["version"]})
    problem(stale, 409, rule="supersedes_not_current")

    entries = history(client, patient)
    registration, amended, newest = (entries[("Patient", v)] for v in (1, first["version"],
                                                                       second["version"]))
    assert registration["amended_by"]["version"] == first["version"]
    assert amended["supersedes"]["version"] == 1
    assert amended["amended_by"]["version"] == second["version"]
    assert amended["amended_by"]["reason"] == "second typo"
    assert newest["supersedes"] == {"position": amended["position"], "version": first["version"]}
    assert newest["amended_by"] is None
