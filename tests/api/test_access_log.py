"""Who saw whose record: every read of patient data writes one access-log entry per patient
read (refusals included) before it returns, and so does every refused write; recorded writes
and anonymous requests write none; the log and the audit trail carry identifiers only."""

from __future__ import annotations

import inspect
import json
import uuid

import pytest

from tests.api import bodies
from tests.api.conftest import (
    access_entries,
    as_role,
    as_staff_of,
    events_after,
    problem,
)

NAME = "Genevieve Okonkwo-Hart"
OTHER_NAME = "Genoveva Lindqvist"


@pytest.fixture
def chart(given) -> dict[str, str]:
    """Two patients of clinic A (one with a course injected twice from lot CAF-001) and
    one of clinic B."""
    patient = given.screened_patient("MRN-0001", name=NAME)
    course = given.formulated_course(patient)
    given.injected(course, 1)
    given.clock.advance(days=14)
    given.injected(course, 2)
    other = given.patient("MRN-0002", name=OTHER_NAME)
    return {"patient": patient, "course": course, "other": other}


def reads_of(app, action) -> list[dict]:
    before = access_entries(app)
    action()
    return access_entries(app)[len(before):]


def one_read(app, client, path: str, headers: dict, **params):
    response = None

    def read():
        nonlocal response
        response = client.get(path, headers=headers, params=params)

    entries = reads_of(app, read)
    return response, entries


STAFF_IDS = {"clinician": "u-clin-1", "nurse": "u-nurse-1", "auditor": "u-audit-1",
             "regulator": "u-reg-1", "receptionist": "u-recep-1"}


def test_a_read_of_one_record_writes_one_entry_with_its_outcome(app, client, chart, subtests):
    for resource in ("/v1/patients/{patient}", "/v1/courses/{course}",
                     "/v1/patients/{patient}/progress", "/v1/patients/{patient}/history",
                     "/v1/patients/{patient}/export"):
        for role, outcome in (("clinician", 200), ("nurse", 200), ("auditor", 200),
                              ("regulator", 200), ("receptionist", 403)):
            if resource.endswith("/export") and role == "nurse":
                outcome = 403
            with subtests.test(resource=resource, role=role):
                path = resource.format(**chart)
                response, entries = one_read(app, client, path, as_role(role))
                assert response.status_code == outcome, response.text
                assert [(e["actor_id"], e["role"], e["patient_id"], e["patient_clinic"],
                         e["resource"], e["outcome"]) for e in entries] == [
                    (STAFF_IDS[role], role, chart["patient"], "clinic-a", path, outcome)]


def test_a_read_that_answers_is_logged_by_the_read_itself_on_its_worker_thread(
        app, client, chart, monkeypatch):
    """One trip to a worker thread per read: the entry is written inside the read's own
    call, not by a second trip after it (a refusal takes its own trip to write its entry)."""
    services, writers = app.state.services, []
    record_access = services.record_access

    def spy(entries):
        writers.append([frame.function for frame in inspect.stack()])
        record_access(entries)

    monkeypatch.setattr(services, "record_access", spy)
    assert client.get(f"/v1/patients/{chart['patient']}/progress",
                      headers=as_role("clinician")).status_code == 200
    assert client.get(f"/v1/patients/{chart['patient']}/progress",
                      headers=as_role("receptionist")).status_code == 403
    assert ["answer_and_log" in callers for callers in writers] == [True, False]


def test_a_read_of_another_clinics_or_an_unknown_record_is_logged_as_404(app, client, chart):
    path = f"/v1/patients/{chart['patient']}"
    response, [theirs] = one_read(app, client, path, as_staff_of("clinic-b", "clinician"))
    problem(response, 404)
    assert (theirs["actor_clinic"], theirs["patient_id"], theirs["outcome"]) == (
        "clinic-b", chart["patient"], 404)
    unknown = str(uuid.uuid4())
    for template in ("/v1/patients/{}", "/v1/courses/{}", "/v1/patients/{}/history"):
        response, [missing] = one_read(app, client, template.format(unknown),
                                       as_role("clinician"))
        problem(response, 404)
        assert (missing["outcome"], missing["resource"]) == (404, template.format(unknown))


def test_a_directory_search_writes_one_entry_per_patient_listed(app, client, chart):
    response, entries = one_read(app, client, "/v1/patients", as_role("receptionist"),
                                 q="geN", min_position=app.state.services.log_position())
    assert response.status_code == 200
    listed = sorted(e["patient_id"] for e in response.json())
    assert listed == sorted([chart["patient"], chart["other"]])
    assert sorted(e["patient_id"] for e in entries) == listed
    assert {(e["resource"], e["outcome"]) for e in entries} == {("/v1/patients", 200)}
    _, [nobody] = one_read(app, client, "/v1/patients", as_role("receptionist"), q="zz")
    assert (nobody["patient_id"], nobody["outcome"]) == (None, 200)


def test_a_lot_recall_writes_one_entry_per_patient_exposed(app, client, chart):
    response, entries = one_read(app, client, "/v1/lots/CAF-001/exposures",
                                 as_role("clinician"),
                                 min_position=app.state.services.log_position())
    assert response.status_code == 200, response.text
    assert len(response.json()) == 2  # two injections, one patient
    assert [(e["patient_id"], e["outcome"]) for e in entries] == [(chart["patient"], 200)]
    refused, [entry] = one_read(app, client, "/v1/lots/CAF-001/exposures", as_role("nurse"))
    problem(refused, 403)
    assert entry["outcome"] == 403


def test_recorded_writes_and_anonymous_requests_write_no_entry(app, client, chart, given):
    """A write that is recorded is in the audit trail, not here; a request without a valid
    token names nobody. (A refused write is on record: tests/api/test_refusals_on_record.py.)"""
    def anonymous_and_writes():
        for headers in ({}, {"Authorization": "Bearer forged"}):
            problem(client.get(f"/v1/patients/{chart['patient']}", headers=headers), 401)
            problem(client.get("/v1/patients", headers=headers), 401)
            problem(client.post(f"/v1/courses/{chart['course']}/outcomes",
                                json=bodies.outcome(), headers=headers), 401)
        given.post(f"/v1/patients/{chart['other']}/consents", bodies.consent(given.clock()),
                   "receptionist")
        given.post(f"/v1/courses/{chart['course']}/outcomes", bodies.outcome())

    assert reads_of(app, anonymous_and_writes) == []


def test_a_refused_write_writes_one_entry(app, client, chart):
    """It used to leave no trace at all (issue 21)."""
    path = f"/v1/courses/{chart['course']}/outcomes"

    def refused_write():
        problem(client.post(path, json=bodies.outcome(), headers=as_role("auditor")), 403)

    [entry] = reads_of(app, refused_write)
    assert (entry["actor_id"], entry["resource"], entry["outcome"], entry["rule"]) == (
        "u-audit-1", path, 403, "role_not_permitted")


def test_auditors_read_their_clinics_log_and_regulators_every_clinics(app, client, chart):
    client.get(f"/v1/patients/{chart['patient']}", headers=as_role("clinician"))
    client.get(f"/v1/patients/{chart['patient']}", headers=as_staff_of("clinic-b", "nurse"))
    b_patient = client.post("/v1/patients", json=bodies.registration("MRN-B1"),
                            headers=as_staff_of("clinic-b", "receptionist")).json()["patient_id"]
    client.get(f"/v1/patients/{b_patient}", headers=as_staff_of("clinic-b", "clinician"))

    seen_by_a = client.get("/v1/access-log", headers=as_role("auditor")).json()["entries"]
    seen_by_regulator = client.get("/v1/access-log", params={"limit": 1000},
                                   headers=as_role("regulator")).json()["entries"]
    about = client.get("/v1/access-log", params={"patient_id": chart["patient"]},
                       headers=as_role("auditor")).json()["entries"]

    assert b_patient not in json.dumps(seen_by_a)
    assert {e["patient_id"] for e in about} == {chart["patient"]}
    assert {(e["actor_clinic"], e["outcome"]) for e in about} == {("clinic-a", 200),
                                                                 ("clinic-b", 404)}
    assert {e["patient_clinic"] for e in seen_by_regulator} >= {"clinic-a", "clinic-b"}
    assert len(seen_by_regulator) == len(access_entries(app))


def test_no_patient_name_or_birth_date_is_in_the_access_log_or_audit_trail(app, client, chart):
    for query in ({"q": "Genevieve"}, {"q": NAME}, {"mrn": "MRN-0001"}):
        client.get("/v1/patients", params=query, headers=as_role("clinician"))
    for resource in ("", "/history", "/progress"):
        client.get(f"/v1/patients/{chart['patient']}{resource}", headers=as_role("clinician"))
    fresh = {"min_position": app.state.services.log_position(), "limit": 1000}
    trails = [client.get("/v1/access-log", params={"limit": 1000},
                         headers=as_role(role)).text for role in ("auditor", "regulator")]
    trails += [client.get("/v1/audit", params=fresh, headers=as_role(role)).text
               for role in ("auditor", "regulator")]
    trails.append(json.dumps(access_entries(app), default=str))
    assert all('"entries":[{' in trail for trail in trails[:4]), trails
    for trail in trails:
        for secret in ("Genevieve", "Okonkwo", "Genoveva", "Lindqvist", "1985-03-14",
                       "genevieve@example.org"):
            assert secret.lower() not in trail.lower(), (secret, trail[:300])
    assert events_after(app, 0)  # the names are in the log (sealed), the trails name none
