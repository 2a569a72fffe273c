"""Clinic isolation: another clinic's patient is answered exactly like an unknown one (404),
both ways, and nothing is recorded; regulators read every clinic; lists stay in the clinic."""

from __future__ import annotations

import uuid

import pytest
from fastapi.routing import iter_route_contexts

from tests.api import bodies
from tests.api.conftest import as_role, as_staff_of, nothing_recorded, problem

READS = ["/v1/patients/{patient_id}", "/v1/courses/{course_id}",
         "/v1/patients/{patient_id}/progress", "/v1/patients/{patient_id}/history",
         "/v1/patients/{patient_id}/export"]
WRITERS = {"/v1/patients/{patient_id}/consents": "receptionist",
           "/v1/patients/{patient_id}/consents/{scope}/withdrawal": "receptionist",
           "/v1/patients/{patient_id}/personal-data": "receptionist"}


def fill(template: str, patient: str, course: str) -> str:
    return template.format(patient_id=patient, course_id=course, scope="treatment",
                           condition="migraine", version=1)


@pytest.fixture
def charts(given, given_b) -> dict[str, tuple[str, str]]:
    """Per clinic: a patient (same MRN and name in both) with an injected course."""
    found = {}
    for clinic, steps in (("clinic-a", given), ("clinic-b", given_b)):
        patient = steps.screened_patient("MRN-0001")
        course = steps.formulated_course(patient)
        steps.injected(course)
        found[clinic] = (patient, course)
    return found


def headers_of(clinic: str, role: str) -> dict[str, str]:
    return as_role(role) if clinic == "clinic-a" else as_staff_of(clinic, role)


@pytest.mark.parametrize(("reader", "owner"), [("clinic-b", "clinic-a"),
                                               ("clinic-a", "clinic-b")])
def test_another_clinics_record_reads_like_an_unknown_one(app, client, charts, reader, owner):
    patient, course = charts[owner]
    unknown = str(uuid.uuid4())
    for template in READS:
        for role in ("clinician", "nurse", "auditor"):
            with nothing_recorded(app):
                theirs = client.get(fill(template, patient, course),
                                    headers=headers_of(reader, role))
                missing = client.get(fill(template, unknown, unknown),
                                     headers=headers_of(reader, role))
            assert problem(theirs, 404) == problem(missing, 404), template
            assert patient not in theirs.text and course not in theirs.text


@pytest.mark.parametrize(("writer", "owner"), [("clinic-b", "clinic-a"),
                                               ("clinic-a", "clinic-b")])
def test_another_clinics_record_cannot_be_written_and_nothing_is_recorded(
        app, client, charts, clock, writer, owner):
    patient, course = charts[owner]
    writes = sorted(route.path for route in iter_route_contexts(app.routes)
                    if "POST" in (route.methods or ()) and "{" in route.path
                    and route.path.startswith(("/v1/patients/", "/v1/courses/")))
    assert len(writes) >= 10
    for template in writes:
        role = WRITERS.get(template, "clinician")
        body = bodies.WRITES[template](clock())
        with nothing_recorded(app):
            theirs = client.post(fill(template, patient, course), json=body,
                                 headers=headers_of(writer, role) | {"Idempotency-Key": "k1"})
            missing = client.post(fill(template, str(uuid.uuid4()), str(uuid.uuid4())),
                                  json=body, headers=headers_of(writer, role))
        assert problem(theirs, 404) == problem(missing, 404), template


def test_a_regulator_reads_both_clinics(client, charts):
    for patient, course in charts.values():
        for template in READS:
            response = client.get(fill(template, patient, course), headers=as_role("regulator"))
            assert response.status_code == 200, response.text
        assert client.get(f"/v1/patients/{patient}",
                          headers=as_role("regulator")).json()["patient_id"] == patient


def test_the_directory_lists_only_the_callers_clinic(client, charts, given_b):
    given_b.patient("MRN-0002", name="Genevieve Moreau")
    fresh = {"min_position": client.app.state.services.log_position()}
    for clinic, (patient, _) in charts.items():
        for query in ({"q": "genev"}, {"mrn": "MRN-0001"}, {}):
            listed = client.get("/v1/patients", params=query | fresh,
                                headers=headers_of(clinic, "receptionist"))
            assert listed.status_code == 200, listed.text
            assert {e["clinic"] for e in listed.json()} == {clinic}
            assert patient in {e["patient_id"] for e in listed.json()}
    in_b = client.get("/v1/patients", params={"q": "genev"} | fresh,
                      headers=headers_of("clinic-b", "clinician")).json()
    assert len(in_b) == 2


def test_lot_recall_lists_only_the_callers_clinic_and_every_clinic_for_a_regulator(
        client, charts):
    fresh = {"min_position": client.app.state.services.log_position()}
    seen = {}
    for clinic, (patient, _) in charts.items():
        for role in ("clinician", "auditor"):
            traced = client.get("/v1/lots/CAF-001/exposures", params=fresh,
                                headers=headers_of(clinic, role))
            assert traced.status_code == 200, traced.text
            assert [(e["clinic"], e["patient_id"]) for e in traced.json()] == [(clinic, patient)]
        seen[clinic] = patient
    every = client.get("/v1/lots/CAF-001/exposures", params=fresh,
                       headers=as_role("regulator")).json()
    assert sorted((e["clinic"], e["patient_id"]) for e in every) == sorted(seen.items())


def test_a_regulator_searches_the_directory_of_every_clinic(client, charts):
    fresh = {"min_position": client.app.state.services.log_position()}
    listed = client.get("/v1/patients", params={"mrn": "MRN-0001"} | fresh,
                        headers=as_role("regulator")).json()
    assert sorted(e["clinic"] for e in listed) == ["clinic-a", "clinic-b"]


def test_audit_trail_and_access_log_of_an_auditor_stay_in_their_clinic(client, charts):
    patient_a, _ = charts["clinic-a"]
    patient_b, course_b = charts["clinic-b"]
    client.get(f"/v1/patients/{patient_b}", headers=as_staff_of("clinic-b", "clinician"))
    fresh = {"min_position": client.app.state.services.log_position()}
    audit = client.get("/v1/audit", params=fresh, headers=as_role("auditor")).json()["entries"]
    assert {e["clinic"] for e in audit} == {"clinic-a"}
    assert patient_b not in str(audit) and course_b not in str(audit)
    reads = client.get("/v1/access-log", headers=as_role("auditor")).json()["entries"]
    assert patient_b not in str(reads)
    assert patient_a not in str(client.get("/v1/audit", params=fresh, headers=as_staff_of(
        "clinic-b", "auditor")).json())
