"""Signing in, named after what it stops: guessing passwords, a lock that never ends,
a departed employee's token or cookie, a session left open, weak passwords."""

from __future__ import annotations

import pytest

from projections.sign_in_log import SignInFilter, SignInLog
from tests.api.conftest import as_role, nothing_recorded, problem
from tests.api.staff import PASSWORD, Staff


@pytest.fixture
def staff(client, clock) -> Staff:
    return Staff(client, clock)


def log_of(app, **where) -> list[dict]:
    with app.state.services.views.transaction(write=False) as tx:
        return SignInLog.page(tx, SignInFilter(**where), 0, 10_000)


def outcomes(app) -> list[str]:
    return [entry["outcome"] for entry in log_of(app)]


def test_signed_in_clinician_gets_a_token_and_a_cookie_that_both_work(client, staff, given):
    staff_id = staff.add()["staff_id"]
    response = staff.sign_in()
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["staff_id"] == staff_id and body["role"] == "clinician"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    patient = given.patient()
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert client.get(f"/v1/patients/{patient}", headers=bearer).status_code == 200
    assert client.get(f"/v1/patients/{patient}").status_code == 200  # the cookie alone


def test_five_wrong_passwords_lock_the_account_and_the_log_shows_each(app, staff, clock):
    staff.add()
    for _ in range(5):
        problem(staff.sign_in(password="wrong password guess"), 401,
                type="urn:mesoledger:problem:invalid_credentials")
    problem(staff.sign_in(), 401, type="urn:mesoledger:problem:account_locked")
    assert outcomes(app) == ["failed"] * 5 + ["locked_out", "refused_while_locked"]
    clock.advance(minutes=14)
    problem(staff.sign_in(), 401, type="urn:mesoledger:problem:account_locked")


def test_lock_expires_after_fifteen_minutes(app, staff, clock):
    staff.add()
    for _ in range(5):
        staff.sign_in(password="wrong password guess")
    clock.advance(minutes=15, seconds=1)
    assert staff.sign_in().status_code == 201
    assert outcomes(app)[-1] == "signed_in"


def test_deactivated_account_is_refused_everywhere_at_once(client, app, staff, given):
    staff_id = staff.add()["staff_id"]
    patient = given.patient()
    signed = staff.sign_in()
    bearer = {"Authorization": f"Bearer {signed.json()['token']}"}
    assert client.get(f"/v1/patients/{patient}", headers=bearer).status_code == 200
    response = client.post(f"/v1/staff/{staff_id}/deactivation", json={"reason": "left"},
                           headers=as_role("admin"))
    assert response.status_code == 201, response.text
    problem(client.get(f"/v1/patients/{patient}", headers=bearer), 401)
    problem(client.get(f"/v1/patients/{patient}"), 401)  # its session cookie
    with nothing_recorded(app):
        problem(client.post(f"/v1/patients/{patient}/allergies", headers=bearer,
                            json={"substance": "lidocaine", "reaction": "rash"}), 401)
    problem(staff.sign_in(), 401, type="urn:mesoledger:problem:account_inactive")
    assert outcomes(app)[-1] == "refused_inactive"


def test_idle_session_ends_itself_and_the_log_says_so(client, app, staff, clock, given):
    staff.add()
    patient = given.patient()
    bearer = staff.bearer()
    clock.advance(minutes=10)
    assert client.get(f"/v1/patients/{patient}", headers=bearer).status_code == 200
    clock.advance(minutes=15, seconds=1)
    problem(client.get(f"/v1/patients/{patient}", headers=bearer), 401)
    problem(client.get(f"/v1/patients/{patient}"), 401)
    assert outcomes(app) == ["signed_in", "idle_timeout"]


def test_signed_out_token_and_cookie_stop_working(client, app, staff, given):
    staff.add()
    patient = given.patient()
    bearer = staff.bearer()
    assert client.delete("/v1/sessions", headers=bearer).status_code == 204
    problem(client.get(f"/v1/patients/{patient}", headers=bearer), 401)
    assert outcomes(app) == ["signed_in", "signed_out"]


def test_weak_passwords_are_refused_naming_the_rule_and_nothing_is_recorded(client, app):
    for password, rule in [("short", "password_too_short"),
                           ("nurse@clinic-a.example.org", "password_is_email"),
                           ("Nurse Tom Baker", "password_is_name")]:
        with nothing_recorded(app):
            response = client.post("/v1/staff", headers=as_role("admin"), json={
                "name": "Nurse Tom Baker", "email": "nurse@clinic-a.example.org",
                "roles": ["nurse"], "password": password})
        problem(response, 422, field="password", rule=rule)


def test_admin_signs_in_only_with_the_code_of_their_authenticator(client, staff, clock):
    secret = staff.add("admin", "admin@clinic-a.example.org", "Alex Admin")["totp_secret"]
    email = "admin@clinic-a.example.org"
    problem(staff.sign_in(email), 401, type="urn:mesoledger:problem:second_factor_required")
    problem(staff.sign_in(email, totp="000000" if staff.code(secret) != "000000"
                          else "111111"), 401)
    code = staff.code(secret)
    assert staff.sign_in(email, totp=code).status_code == 201
    problem(staff.sign_in(email, totp=code), 401)  # a code is used once


def test_enrolled_second_factor_is_asked_of_a_clinician_too(client, staff, clock):
    staff.add()
    bearer = staff.bearer()
    response = client.post("/v1/staff/me/totp", json={"password": PASSWORD}, headers=bearer)
    assert response.status_code == 201, response.text
    problem(staff.sign_in(), 401, type="urn:mesoledger:problem:second_factor_required")
    clock.advance(seconds=30)
    assert staff.sign_in(totp=staff.code(response.json()["totp_secret"])).status_code == 201


def test_sign_in_log_is_read_by_the_clinic_auditor_and_admin_only(client, staff):
    staff.add()
    staff.sign_in(password="not the password at all")
    staff.sign_in(email="nobody@clinic-a.example.org")
    for role, seen in [("auditor", ["failed"]), ("admin", ["failed"]),
                       ("regulator", ["failed", "unknown_account"])]:
        response = client.get("/v1/sign-in-log", headers=as_role(role))
        assert [e["outcome"] for e in response.json()["entries"]] == seen, role
    other = client.get("/v1/sign-in-log", headers=as_role("auditor", "clinic-b"))
    assert other.json()["entries"] == []
    problem(client.get("/v1/sign-in-log", headers=as_role("clinician")), 403)


def test_password_guessed_with_a_stolen_token_counts_toward_the_lockout(client, app, staff):
    staff.add()
    bearer = staff.bearer()
    for _ in range(5):
        problem(client.post("/v1/staff/me/totp", json={"password": "a guess at the password"},
                            headers=bearer), 401)
    with nothing_recorded(app):
        problem(client.post("/v1/staff/me/totp", json={"password": PASSWORD},
                            headers=bearer), 401, type="urn:mesoledger:problem:account_locked")
    assert outcomes(app) == ["signed_in"] + ["failed"] * 5 + ["locked_out",
                                                              "refused_while_locked"]


def test_own_password_changed_with_the_current_one_only(client, app, staff):
    staff.add()
    bearer = staff.bearer()
    new = "a brand new passphrase"
    with nothing_recorded(app):
        problem(client.post("/v1/staff/me/password", headers=bearer, json={
            "current_password": "not the current one", "password": new}), 401)
    assert client.post("/v1/staff/me/password", headers=bearer, json={
        "current_password": PASSWORD, "password": new}).status_code == 201
    assert staff.sign_in(password=new).status_code == 201
    problem(staff.sign_in(), 401)


def test_password_reset_by_the_admin_ends_the_sessions_of_whoever_held_the_old_one(
        client, staff, given):
    staff_id = staff.add()["staff_id"]
    patient = given.patient()
    bearer = staff.bearer()
    response = client.post(f"/v1/staff/{staff_id}/password", headers=as_role("admin"),
                           json={"password": "the admin's new passphrase"})
    assert response.status_code == 201, response.text
    problem(client.get(f"/v1/patients/{patient}", headers=bearer), 401)
    problem(client.get(f"/v1/patients/{patient}"), 401)
    assert staff.sign_in(password="the admin's new passphrase").status_code == 201
