"""Retries and races: an Idempotency-Key replays the first answer and records nothing twice,
also when the server running the first request died; If-Match refuses a write on a record
that moved on (412); concurrent writes all land."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.http.schemas.courses import InjectionIn
from domain.values import Actor
from infra.idempotency import IdempotencyKeys, new_run
from infra.requests import RequestAlreadyRecorded, on_behalf_of
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
            ({"site": {"area": "thighs.nowhere", "laterality": "left"}}, 422,
             {"field": "site.area"}),
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


# --- a server that died mid-request -----------------------------------------------------
# The first request is replayed by hand: its key claimed as the route claims it, and (for a
# server that died after storing) its command run on behalf of that key, as the route runs it.

OWNER = "clinic-a/u-clin-1"  # the clinician's keys
MARIA = Actor("u-clin-1", "Dr Maria Rossi", "clinician")


def first_request_claimed(app, course: str, key: str, body: dict, seconds_ago: float = 0
                          ) -> str:
    """Claim the key as the route does; return the run token the first request holds."""
    keys, run = app.state.services.idempotency, new_run()
    path = f"/v1/courses/{course}/injections"
    fingerprint = hashlib.sha256(f"POST {path}\n".encode() + json.dumps(body).encode())
    at = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    IdempotencyKeys(keys.views, clock=lambda: at).claim(OWNER, key, fingerprint.hexdigest(),
                                                         run)
    return run


def retry(client, course: str, key: str, body: dict):
    return client.post(f"/v1/courses/{course}/injections", content=json.dumps(body),
                       headers=CLINICIAN | {"Idempotency-Key": key,
                                            "Content-Type": "application/json"})


def test_a_retry_after_the_server_died_having_stored_is_told_what_was_stored(app, client,
                                                                              course):
    body = bodies.injection(1)
    run = first_request_claimed(app, course, "died-after", body)
    before = app.state.services.log_position()
    with on_behalf_of(OWNER, "died-after", run):
        stored = app.state.services.records.inject(
            UUID(course), InjectionIn(**body).to_dose(), MARIA)

    with nothing_recorded(app):
        answers = [retry(client, course, "died-after", body) for _ in range(2)]

    assert len(events_after(app, before)) == 1
    for answer in answers:
        assert answer.status_code == 201, answer.text
        assert answer.json() == {"course_id": course, "version": stored.version,
                                 "position": stored.position}
        assert answer.headers["ETag"] == f'"{stored.version}"'
        assert answer.headers["Idempotent-Replayed"] == "true"


def test_a_retry_after_the_server_died_before_storing_runs_the_command(app, client, course):
    body = bodies.injection(1)
    first_request_claimed(app, course, "died-before", body, seconds_ago=60)
    before = app.state.services.log_position()

    answer = retry(client, course, "died-before", body)

    assert answer.status_code == 201, answer.text
    assert "Idempotent-Replayed" not in answer.headers
    assert [e.topic.rsplit('.', 1)[-1] for e in events_after(app, before)] == ['Injected']


def test_a_retry_while_the_first_request_may_still_run_is_told_to_wait(app, client, course):
    body = bodies.injection(1)
    first_request_claimed(app, course, "running", body)
    with nothing_recorded(app):
        answer = retry(client, course, "running", body)
    assert problem(answer, 409)["type"].endswith("request_in_progress")
    assert answer.headers["Retry-After"] == "1"


def test_a_request_is_recorded_once_however_often_it_runs(app, course):
    body = bodies.injection(1)
    run = first_request_claimed(app, course, "twice", body)
    records, dose = app.state.services.records, InjectionIn(**body).to_dose()
    with on_behalf_of(OWNER, "twice", run):
        records.inject(UUID(course), dose, MARIA)
    with nothing_recorded(app), on_behalf_of(OWNER, "twice", run):
        with pytest.raises(RequestAlreadyRecorded):
            records.inject(UUID(course), dose, MARIA)


def test_a_slow_first_run_that_was_taken_over_records_nothing(app, client, course):
    """The retry's answer stands: the first run, finishing late, cannot record behind it."""
    body = bodies.injection(1) | {"depth_mm": "9"}  # refused: out of range
    slow_run = first_request_claimed(app, course, "slow", body, seconds_ago=60)
    refused = retry(client, course, "slow", body)
    records, dose = app.state.services.records, InjectionIn(**bodies.injection(1)).to_dose()
    with nothing_recorded(app), on_behalf_of(OWNER, "slow", slow_run):
        with pytest.raises(RequestAlreadyRecorded):
            records.inject(UUID(course), dose, MARIA)
    assert problem(refused, 409)["rule"] == "depth_out_of_range"
