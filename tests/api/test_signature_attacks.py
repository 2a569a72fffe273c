"""Electronic signatures over HTTP on both backends, named after what they stop: a signature
without the password, one pasted onto another entry, a voided entry signed, a co-signature
by someone other than the named supervisor, a signature quietly removed, a departed
employee signing."""

from __future__ import annotations

import hashlib
import json

import pytest

from infra.requests import TABLE
from projections.sign_in_log import SignInFilter, SignInLog
from tests.api import bodies
from tests.api.conftest import Given, as_role, nothing_recorded, problem
from tests.api.staff import PASSWORD, Staff


class Clinic:
    """A clinician and a nurse with accounts, signed in; the nurse names the clinician as
    supervisor. Entries are made with their own tokens, so they are the entries' authors."""

    def __init__(self, client, clock) -> None:
        self.client, self.staff = client, Staff(client, clock)
        self.clinician_id = self.staff.add()["staff_id"]
        self.nurse_id = self.staff.add("nurse", "tom@clinic-a.example.org",
                                       "Nurse Tom Baker")["staff_id"]
        self.sign_in()
        self.given = Given(client, clock)

    def sign_in(self) -> None:
        self.clinician = self.staff.bearer()
        self.nurse = self.staff.bearer(email="tom@clinic-a.example.org")

    def course_with_nurse_injection(self) -> tuple[str, int]:
        patient = self.given.screened_patient()
        course = self.post(f"/v1/patients/{patient}/courses", bodies.plan())["course_id"]
        self.post(f"/v1/courses/{course}/formulations", bodies.formulation())
        injected = self.post(f"/v1/courses/{course}/injections",
                             bodies.injection(1, supervisor=self.clinician_id), self.nurse)
        return course, injected["version"]

    def post(self, path: str, body: dict, headers: dict | None = None) -> dict:
        response = self.client.post(path, json=body, headers=headers or self.clinician)
        assert response.status_code == 201, response.text
        return response.json()

    def sign(self, course: str, version: int, meaning: str = "authorship",
             headers: dict | None = None, password: str = PASSWORD):
        return self.client.post(f"/v1/courses/{course}/signatures", headers=headers or
                                self.clinician, json={"version": version, "meaning": meaning,
                                                      "password": password})


@pytest.fixture
def clinic(client, clock) -> Clinic:
    return Clinic(client, clock)


def signatures_in(client, course: str, headers: dict) -> list[dict]:
    """Every signature shown on the course's entries in the patient's history."""
    patient = client.get(f"/v1/courses/{course}", headers=headers).json()["patient_id"]
    history = client.get(f"/v1/patients/{patient}/history", headers=headers, params={
        "min_position": client.app.state.services.log_position()})
    assert history.status_code == 200, history.text
    return [s | {"entry_version": e["version"]} for e in history.json()
            if e["record_id"] == course for s in e["signatures"]]


def test_signature_needs_the_password_each_time(app, client, clinic):
    course, _ = clinic.course_with_nurse_injection()
    assert clinic.sign(course, 1).status_code == 201
    with nothing_recorded(app):
        wrong = clinic.sign(course, 2, password="not the password at all")
    problem(wrong, 401, type="urn:mesoledger:problem:invalid_credentials")
    with nothing_recorded(app):
        missing = client.post(f"/v1/courses/{course}/signatures", headers=clinic.clinician,
                              json={"version": 2, "meaning": "authorship"})
    problem(missing, 422)
    with app.state.services.views.transaction(write=False) as tx:
        log = SignInLog.page(tx, SignInFilter(), 0, 1000)
    assert [e["detail"] for e in log if e["outcome"] == "failed"] == ["wrong password (signature)"]


def test_signature_records_the_signers_printed_name_meaning_time_and_entry_hash(
        client, clinic, clock):
    course, _ = clinic.course_with_nurse_injection()
    signed = clinic.sign(course, 2)
    assert signed.status_code == 201, signed.text
    [signature] = signatures_in(client, course, clinic.clinician)
    assert signature["signer"] == {"id": clinic.clinician_id, "name": "Dr Maria Rossi",
                                   "role": "clinician"}
    assert signature["meaning"] == "authorship" and signature["entry_version"] == 2
    assert signature["at"] == clock().isoformat().replace("+00:00", "Z")
    assert len(signature["leaf_hash"]) == 64


def test_a_token_naming_no_account_cannot_sign(app, client, clinic):
    course, _ = clinic.course_with_nurse_injection()
    with nothing_recorded(app):
        response = clinic.sign(course, 1, headers=as_role("clinician"))
    problem(response, 403, type="urn:mesoledger:problem:not_a_staff_account")


def test_voided_entry_is_unsignable(app, client, clinic):
    course, injection = clinic.course_with_nurse_injection()
    clinic.post(f"/v1/courses/{course}/voids", {"version": injection, "reason": "wrong area"})
    with nothing_recorded(app):
        response = clinic.sign(course, injection, "cosignature")
    problem(response, 409, rule="voided_entry_not_signable")


def test_a_signature_or_a_missing_version_is_not_signable(app, client, clinic):
    course, _ = clinic.course_with_nurse_injection()
    signature = clinic.sign(course, 1).json()["version"]
    for version in (signature, signature + 5):
        with nothing_recorded(app):
            response = clinic.sign(course, version, "review")
        problem(response, 409, rule="entry_not_signable")


def test_cosignature_by_the_named_supervisor_only(app, client, clinic):
    course, injection = clinic.course_with_nurse_injection()
    other = clinic.staff.add(email="other@clinic-a.example.org", name="Dr Ana Costa")
    other_bearer = clinic.staff.bearer(email="other@clinic-a.example.org")
    with nothing_recorded(app):
        by_other = clinic.sign(course, injection, "cosignature", headers=other_bearer)
    problem(by_other, 403, rule="not_the_named_supervisor")
    with nothing_recorded(app):
        unnamed = clinic.sign(course, 2, "cosignature")  # the formulation names nobody
    problem(unnamed, 403, rule="not_the_named_supervisor")
    assert other["staff_id"] != clinic.clinician_id
    position = app.state.services.log_position()
    queue = client.get("/v1/signatures/queue", headers=clinic.clinician,
                       params={"min_position": position}).json()
    assert [(e["record_id"], e["version"], e["lacks"]) for e in queue] == [
        (course, injection, "cosignature")]
    assert client.get("/v1/signatures/queue", headers=other_bearer,
                      params={"min_position": position}).json() == []
    signed = clinic.sign(course, injection, "cosignature")
    assert signed.status_code == 201, signed.text
    assert client.get("/v1/signatures/queue", headers=clinic.clinician, params={
        "min_position": signed.json()["position"]}).json() == []


def test_what_awaits_each_signer_is_theirs_alone_and_leaves_once_signed(app, client, clinic):
    """The nurse's injection awaits her authorship and her supervisor's co-signature; no one
    else is asked for either, and each leaves its list once given."""
    course, injection = clinic.course_with_nurse_injection()

    def awaiting(headers, position: int) -> list[tuple]:
        answer = client.get("/v1/signatures/awaiting", headers=headers,
                            params={"min_position": position})
        assert answer.status_code == 200, answer.text
        return [(e["record_id"], e["version"], e["lacks"], e["author_name"])
                for e in answer.json() if e["record_id"] == course]

    position = app.state.services.log_position()
    assert awaiting(clinic.nurse, position) == [(course, injection, "authorship",
                                                 "Nurse Tom Baker")]
    mine = awaiting(clinic.clinician, position)  # the plan and the mix are hers to sign too
    assert (course, injection, "cosignature", "Nurse Tom Baker") in mine
    assert {lacks for _, _, lacks, _ in mine} == {"authorship", "cosignature"}
    assert awaiting(as_role("clinician", clinic="clinic-b"), position) == []

    signed = clinic.sign(course, injection, "cosignature")
    assert signed.status_code == 201, signed.text
    after = awaiting(clinic.clinician, signed.json()["position"])
    assert (course, injection, "cosignature", "Nurse Tom Baker") not in after
    assert awaiting(clinic.nurse, signed.json()["position"]) == [
        (course, injection, "authorship", "Nurse Tom Baker")]  # hers still waits


def test_authorship_by_someone_else_is_refused(app, client, clinic):
    course, injection = clinic.course_with_nurse_injection()
    with nothing_recorded(app):
        response = clinic.sign(course, injection, "authorship")  # the nurse made it
    problem(response, 403, rule="not_the_author")
    signed = clinic.sign(course, injection, "authorship", headers=clinic.nurse)
    assert signed.status_code == 201, signed.text


def test_revocation_needs_a_reason_and_keeps_the_original(app, client, clinic):
    course, _ = clinic.course_with_nurse_injection()
    signature = clinic.sign(course, 1).json()["version"]
    path = f"/v1/courses/{course}/signatures/{signature}/revocations"
    with nothing_recorded(app):
        problem(client.post(path, headers=clinic.clinician, json={}), 422)
        problem(client.post(path, headers=clinic.clinician, json={"reason": ""}), 422)
    with nothing_recorded(app):
        by_nurse = client.post(path, headers=clinic.nurse, json={"reason": "not mine"})
    problem(by_nurse, 403, rule="revoker_not_permitted")
    revoked = client.post(path, headers=clinic.clinician, json={"reason": "signed too early"})
    assert revoked.status_code == 201, revoked.text
    [kept] = signatures_in(client, course, clinic.clinician)
    assert kept["version"] == signature and kept["revoked"]["reason"] == "signed too early"
    assert kept["revoked"]["version"] == revoked.json()["version"]
    assert kept["revoked"]["actor"]["id"] == clinic.clinician_id
    with nothing_recorded(app):
        again = client.post(path, headers=clinic.clinician, json={"reason": "twice"})
    problem(again, 409, rule="signature_not_revocable")
    assert clinic.sign(course, 1).status_code == 201  # signed again after the revocation


def test_deactivated_signer_is_refused(app, client, clinic):
    course, _ = clinic.course_with_nurse_injection()
    minted = {"Authorization": clinic.clinician["Authorization"]}
    deactivated = client.post(f"/v1/staff/{clinic.clinician_id}/deactivation",
                              headers=as_role("admin"), json={"reason": "left the clinic"})
    assert deactivated.status_code == 201, deactivated.text
    with nothing_recorded(app):
        response = clinic.sign(course, 1, headers=minted)
    problem(response, 401)


def test_unsigned_entries_are_listed_for_auditors_after_the_days_set(app, client, clinic,
                                                                      clock):
    course, injection = clinic.course_with_nurse_injection()
    clinic.sign(course, 1)
    position = app.state.services.log_position()
    auditor = as_role("auditor")
    assert client.get("/v1/signatures/unsigned", headers=auditor,
                      params={"min_position": position}).json() == []
    clock.advance(days=8)
    listed = client.get("/v1/signatures/unsigned", headers=auditor,
                        params={"min_position": position}).json()
    assert [(e["record_type"], e["event_type"]) for e in listed if e["record_id"] != course
            ] == [("Patient", "Screened")]  # by a clinician too: needs its signature
    of_course = [e for e in listed if e["record_id"] == course]
    assert [(e["version"], e["lacks"]) for e in of_course] == [
        (2, "authorship"), (injection, "authorship")]
    assert of_course[1]["supervisor"] == clinic.clinician_id
    clock.advance(days=-8)  # back to when the tokens are valid, to sign what was listed
    by_nurse = clinic.sign(course, injection, "authorship", headers=clinic.nurse)
    assert by_nurse.status_code == 201, by_nurse.text
    signed = clinic.sign(course, injection, "cosignature")
    assert signed.status_code == 201, signed.text
    clock.advance(days=8)
    listed = client.get("/v1/signatures/unsigned", headers=auditor,
                        params={"min_position": signed.json()["position"]}).json()
    assert [e["version"] for e in listed if e["record_id"] == course] == [2]


def test_a_signature_retried_by_key_leaves_no_hash_of_its_password_in_the_store(app, client,
                                                                                clinic):
    """The idempotency fingerprint of a body that carries a password leaves the password
    out: an unsalted hash of the body would be a password hash to search a stolen copy for."""
    course, version = clinic.course_with_nurse_injection()
    body = json.dumps({"version": version, "meaning": "review", "password": PASSWORD}).encode()
    headers = clinic.clinician | {"Idempotency-Key": "sign-review-1",
                                  "Content-Type": "application/json"}
    first = client.post(f"/v1/courses/{course}/signatures", headers=headers, content=body)
    again = client.post(f"/v1/courses/{course}/signatures", headers=headers, content=body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    with app.state.services.views.transaction(write=False) as tx:
        kept = [row[0] for row in tx.rows(f"SELECT fingerprint FROM {TABLE}")]
    path = f"POST /v1/courses/{course}/signatures\n".encode()
    with_password = hashlib.sha256(path + body).hexdigest()
    assert kept and with_password not in kept
