"""Retries and races: an Idempotency-Key replays the first answer and records nothing twice;
If-Match refuses a write on a record that moved on (412); concurrent writes all land."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api import bodies
from tests.api.conftest import (
    as_role,
    as_staff_of,
    events_after,
    nothing_recorded,
    problem,
    token,
)

CLINICIAN = as_role("clinician")


@pytest.fixture
def course(given) -> str:
    return given.formulated_course()


def injections_of(client, course: str) -> list[int]:
    read = client.get(f"/v1/courses/{course}", headers=CLINICIAN).json()
    return sorted(int(v) for v, kind in read["live_entries"].items() if kind == "injection")


def test_a_retried_post_returns_the_first_response_and_records_once(app, client, course):
    headers = CLINICIAN | {"Idempotency-Key": "inj-7f3a"}
    before = app.state.services.log_position()
    first = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                        headers=headers)
    with nothing_recorded(app):
        retries = [client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                               headers=headers) for _ in range(3)]

    assert first.status_code == 201, first.text
    assert [e.topic.rsplit('.', 1)[-1] for e in events_after(app, before)] == ['Injected']
    for retry in retries:
        assert (retry.status_code, retry.json(), retry.headers["ETag"]) == (
            201, first.json(), first.headers["ETag"])
        assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(injections_of(client, course)) == 1


def test_a_retried_registration_returns_the_same_patient(app, client):
    headers = as_role("receptionist", **{"Idempotency-Key": "reg-1"})
    first = client.post("/v1/patients", json=bodies.registration(), headers=headers)
    with nothing_recorded(app):
        again = client.post("/v1/patients", json=bodies.registration(), headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json()["patient_id"] == first.json()["patient_id"]


def test_the_same_key_with_another_body_or_route_is_refused(app, client, course):
    headers = CLINICIAN | {"Idempotency-Key": "inj-1"}
    assert client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                       headers=headers).status_code == 201
    with nothing_recorded(app):
        other_body = client.post(f"/v1/courses/{course}/injections",
                                 json=bodies.injection(1, volume="1"), headers=headers)
        other_route = client.post(f"/v1/courses/{course}/outcomes", json=bodies.outcome(),
                                  headers=headers)
    problem(other_body, 422, field="Idempotency-Key")
    problem(other_route, 422, field="Idempotency-Key")
    assert len(injections_of(client, course)) == 1


def test_keys_belong_to_their_user(app, client):
    first = client.post("/v1/patients", json=bodies.registration("MRN-1"),
                        headers=as_role("receptionist", **{"Idempotency-Key": "k"}))
    other = {"Authorization": f"Bearer {token('receptionist', sub='u-recep-2')}",
             "Idempotency-Key": "k"}
    second = client.post("/v1/patients", json=bodies.registration("MRN-2"), headers=other)
    elsewhere = client.post("/v1/patients", json=bodies.registration("MRN-1"),
                            headers=as_staff_of("clinic-b", "receptionist") | {
                                "Idempotency-Key": "k"})
    ids = {r.json()["patient_id"] for r in (first, second, elsewhere)}
    assert [r.status_code for r in (first, second, elsewhere)] == [201, 201, 201]
    assert len(ids) == 3 and "Idempotent-Replayed" not in second.headers


def test_a_refused_command_can_be_retried_with_its_key_once_corrected(app, client, course,
                                                                      subtests):
    for n, (wrong, status, named) in enumerate((
            ({"depth_mm": "9"}, 409, {"rule": "depth_out_of_range"}),
            ({"site": {"area": "thighs.nowhere", "laterality": "left"}}, 422, {"field": "area"}),
            ({"volume_ml": "lots"}, 422, {"field": "volume_ml"}))):
        with subtests.test(refused=status, **named):
            headers = CLINICIAN | {"Idempotency-Key": f"inj-retry-{n}"}
            with nothing_recorded(app):
                refused = client.post(f"/v1/courses/{course}/injections",
                                      json=bodies.injection(1) | wrong, headers=headers)
                refused_again = client.post(f"/v1/courses/{course}/injections",
                                            json=bodies.injection(1) | wrong, headers=headers)
            corrected = client.post(f"/v1/courses/{course}/injections",
                                    json=bodies.injection(1), headers=headers)
            problem(refused, status, **named)
            problem(refused_again, status, **named)
            assert corrected.status_code == 201, corrected.text
            assert "Idempotent-Replayed" not in corrected.headers
            assert len(injections_of(client, course)) == n + 1


def test_a_bad_idempotency_key_is_422(app, client, course):
    with nothing_recorded(app):
        response = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                               headers=CLINICIAN | {"Idempotency-Key": "k" * 201})
    problem(response, 422, field="Idempotency-Key")


def test_concurrent_injections_on_one_course_all_land(app, client, course):
    def inject(n: int):
        return client.post(f"/v1/courses/{course}/injections",
                           json=bodies.injection(1, volume="1"),
                           headers=CLINICIAN | {"Idempotency-Key": f"thread-{n}"})

    before = app.state.services.log_position()
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(inject, range(6)))

    assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses]
    versions = sorted(r.json()["version"] for r in responses)
    assert len(set(versions)) == 6
    assert injections_of(client, course) == versions
    assert len(events_after(app, before)) == 6


def test_a_stale_if_match_is_412_and_records_nothing(app, client, course):
    read = client.get(f"/v1/courses/{course}", headers=CLINICIAN)
    client.post(f"/v1/courses/{course}/outcomes", json=bodies.outcome(), headers=CLINICIAN)
    with nothing_recorded(app):
        stale = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                            headers=CLINICIAN | {"If-Match": read.headers["ETag"]})
    body = problem(stale, 412)
    assert body["current_version"] == int(read.headers["ETag"].strip('"')) + 1


def test_a_matching_if_match_writes_and_returns_the_next_etag(app, client, course):
    etag = client.get(f"/v1/courses/{course}", headers=CLINICIAN).headers["ETag"]
    written = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                          headers=CLINICIAN | {"If-Match": etag})
    assert written.status_code == 201, written.text
    assert written.headers["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"'
    assert client.get(f"/v1/courses/{course}", headers=CLINICIAN).headers["ETag"] == \
        written.headers["ETag"]


def test_a_malformed_if_match_is_422(app, client, course):
    with nothing_recorded(app):
        response = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                               headers=CLINICIAN | {"If-Match": "version three"})
    problem(response, 422, field="If-Match")


def test_patient_writes_honour_if_match_too(app, client, given):
    patient = given.patient()
    etag = client.get(f"/v1/patients/{patient}", headers=CLINICIAN).headers["ETag"]
    desk = as_role("receptionist", **{"If-Match": etag})
    assert client.post(f"/v1/patients/{patient}/consents", json=bodies.consent(given.clock()),
                       headers=desk).status_code == 201
    with nothing_recorded(app):
        stale = client.post(f"/v1/patients/{patient}/personal-data", json=bodies.amendment(),
                            headers=desk)
    problem(stale, 412)
