"""Refused writes leave a trace: every write refused for the caller's role (403), another
clinic's or an unknown record (404), a rule (409), a stale version (412) or a field (422)
writes one access-log entry naming the actor, the route, the outcome and the rule or field,
committed before the answer leaves, and records nothing else. A 401 names nobody and writes
nothing. A probe of another clinic's record never tells the prober's clinic who owns it."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.routing import iter_route_contexts

from tests.api import bodies
from tests.api.conftest import (
    access_entries,
    as_role,
    as_staff_of,
    nothing_recorded,
    problem,
)

NAME = "Genevieve Okonkwo-Hart"
B_CLINICIAN = as_staff_of("clinic-b", "clinician")
B_AUDITOR = as_staff_of("clinic-b", "auditor")


@pytest.fixture
def chart(given) -> dict[str, str]:
    patient = given.screened_patient("MRN-0001", name=NAME)
    course = given.formulated_course(patient)
    return {"patient": patient, "course": course,
            "unscreened": given.consented_patient("MRN-0002", name="Genoveva Lindqvist")}


def refused(app, client, path: str, body: dict, headers: dict, status: int,
            **named) -> tuple[dict, list[dict]]:
    """Post a write that must be refused: its problem, and the access-log entries it wrote,
    having recorded no event."""
    before = len(access_entries(app))
    with nothing_recorded(app):
        answer = problem(client.post(path, json=body, headers=headers), status, **named)
    return answer, access_entries(app)[before:]


def summary(entry: dict) -> tuple:
    return (entry["actor_id"], entry["role"], entry["actor_clinic"], entry["patient_id"],
            entry["patient_clinic"], entry["resource"], entry["outcome"], entry["rule"],
            entry["field"])


def test_a_write_by_a_role_that_may_not_is_on_record_with_its_rule(app, client, chart):
    path = f"/v1/courses/{chart['course']}/outcomes"
    _, [entry] = refused(app, client, path, bodies.outcome(), as_role("auditor"), 403)
    assert summary(entry) == ("u-audit-1", "auditor", "clinic-a", chart["patient"], "clinic-a",
                              path, 403, "role_not_permitted", None)


def test_a_write_to_another_clinics_patient_is_on_record_as_not_found(app, client, chart):
    path = f"/v1/patients/{chart['patient']}/screenings"
    _, [entry] = refused(app, client, path, bodies.screening(), B_CLINICIAN, 404)
    assert summary(entry) == ("u-clin-1@clinic-b", "clinician", "clinic-b", chart["patient"],
                              "clinic-a", path, 404, "not_found", None)


def test_a_write_a_rule_refuses_is_on_record_with_the_rule(app, client, chart):
    path = f"/v1/patients/{chart['unscreened']}/courses"
    answer, [entry] = refused(app, client, path, bodies.plan(), as_role("clinician"), 409)
    assert answer["rule"] and summary(entry) == (
        "u-clin-1", "clinician", "clinic-a", chart["unscreened"], "clinic-a", path, 409,
        answer["rule"], None)


def test_a_write_on_a_stale_version_is_on_record_as_a_precondition(app, client, chart):
    path = f"/v1/courses/{chart['course']}/injections"
    headers = as_role("clinician", **{"If-Match": '"1"'})
    _, [entry] = refused(app, client, path, bodies.injection(1), headers, 412)
    assert summary(entry) == ("u-clin-1", "clinician", "clinic-a", chart["patient"], "clinic-a",
                              path, 412, "stale_version", None)


def test_a_malformed_write_is_on_record_with_its_field(app, client, chart):
    path = f"/v1/courses/{chart['course']}/injections"
    body = bodies.injection(1) | {"points": -5}
    _, [entry] = refused(app, client, path, body, as_role("clinician"), 422, field="points")
    assert summary(entry) == ("u-clin-1", "clinician", "clinic-a", chart["patient"], "clinic-a",
                              path, 422, "invalid_request", "points")


def test_a_name_typed_into_a_path_or_a_key_does_not_reach_the_access_log(app, client, chart):
    """The route is logged as its template with only ids filled in, and a field only in the
    API's own words: what a client typed where an id or a field belongs stays out."""
    _, [in_path] = refused(app, client, f"/v1/patients/{NAME}/consents",
                           bodies.consent(client.app.state.services.clock()),
                           as_role("receptionist"), 422, field="path.patient_id")
    screening = bodies.screening()
    screening["contraindications"][NAME] = True
    _, [in_key] = refused(app, client, f"/v1/patients/{chart['patient']}/screenings",
                          screening, as_role("clinician"), 422)
    assert (in_path["resource"], in_path["field"]) == ("/v1/patients/{patient_id}/consents",
                                                       "path.patient_id")
    assert in_key["field"].startswith("contraindications")
    logged = json.dumps(access_entries(app)).lower()
    assert "genevieve" not in logged and "okonkwo" not in logged


def test_a_write_without_a_valid_token_writes_no_entry(app, client, chart):
    path = f"/v1/courses/{chart['course']}/injections"
    for headers in ({}, {"Authorization": "Bearer forged"}):
        _, entries = refused(app, client, path, bodies.injection(1), headers, 401)
        assert entries == []


def test_the_entry_is_committed_before_the_refusal_answers(app, client, chart):
    """A client that got the refusal finds it in the log at once, with no wait."""
    path = f"/v1/patients/{chart['unscreened']}/courses"
    problem(client.post(path, json=bodies.plan(), headers=as_role("clinician")), 409)
    seen = client.get("/v1/access-log", params={"patient_id": chart["unscreened"]},
                      headers=as_role("auditor")).json()["entries"]
    assert [(e["resource"], e["outcome"]) for e in seen][-1:] == [(path, 409)]


def test_a_probe_of_another_clinics_patient_shows_its_owner_only_to_a_regulator(
        app, client, chart):
    """Clinic B's auditor sees its own clinician's probe, exactly as a probe of an id that
    does not exist; clinic A's auditor sees the probe of its patient; a regulator sees it
    all."""
    unknown = str(uuid.uuid4())
    for patient in (chart["patient"], unknown):
        refused(app, client, f"/v1/patients/{patient}/screenings", bodies.screening(),
                B_CLINICIAN, 404)
    refused(app, client, f"/v1/courses/{chart['course']}/injections", bodies.injection(1),
            B_CLINICIAN, 404)

    def seen_by(headers):
        entries = client.get("/v1/access-log", params={"actor": "u-clin-1@clinic-b"},
                             headers=headers).json()["entries"]
        return [(e["patient_id"], e["patient_clinic"]) for e in entries]

    assert seen_by(B_AUDITOR) == [(chart["patient"], None), (unknown, None), (None, None)]
    assert "clinic-a" not in json.dumps(client.get(
        "/v1/access-log", params={"limit": 1000}, headers=B_AUDITOR).json())
    by_patient = client.get("/v1/access-log", params={"patient_id": chart["patient"]},
                            headers=B_AUDITOR).json()["entries"]
    assert [e["resource"] for e in by_patient] == [
        f"/v1/patients/{chart['patient']}/screenings"]  # not the course's: it named no one
    owner_sees = [(chart["patient"], "clinic-a")] * 2
    assert seen_by(as_role("auditor")) == owner_sees
    assert seen_by(as_role("regulator")) == [owner_sees[0], (unknown, None), owner_sees[1]]


def test_a_probe_of_every_write_route_is_on_record_without_its_owner(app, client, chart,
                                                                     clock):
    """Every POST on another clinic's record (a route added later too): one entry each,
    named by its route with the ids filled in and nothing else a client typed."""
    writes = sorted(route.path for route in iter_route_contexts(app.routes)
                    if "POST" in (route.methods or ()) and route.path.startswith("/v1/")
                    and ("{patient_id}" in route.path or "{course_id}" in route.path))
    assert len(writes) >= 10
    before = len(access_entries(app))
    with nothing_recorded(app):
        for template in writes:
            path = template.format(patient_id=chart["patient"], course_id=chart["course"],
                                   scope="treatment", condition="migraine", version=1)
            problem(client.post(path, json=bodies.WRITES[template](clock()),
                                headers=B_CLINICIAN), 404)
    logged = [t.format(patient_id=chart["patient"], course_id=chart["course"],
                                     scope="{scope}", condition="{condition}",
                                     version="{version}") for t in writes]
    entries = access_entries(app)[before:]
    assert [(e["resource"], e["outcome"], e["rule"], e["patient_id"], e["patient_clinic"])
            for e in entries] == [(route, 404, "not_found", chart["patient"], "clinic-a")
                                  for route in logged]
    seen_by_b = client.get("/v1/access-log", params={"limit": 1000},
                           headers=B_AUDITOR).json()["entries"]
    assert [e["resource"] for e in seen_by_b] == logged
    assert {e["patient_clinic"] for e in seen_by_b} == {None}
    assert {e["patient_id"] for e in seen_by_b} == {chart["patient"], None}  # courses: none
