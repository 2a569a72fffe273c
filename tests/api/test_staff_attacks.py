"""What staff accounts must withstand, named after the attack: a stolen database or log
that would give away passwords or second-factor secrets, an admin reading patients, a nurse
naming a made-up supervisor, an old token of a departed employee."""

from __future__ import annotations

import base64
import logging

import pytest

from domain.values import Actor
from infra.database import Database
from infra.tokens import TokenKeys
from tests.api import bodies
from tests.api.conftest import SECRET, as_role, as_staff_of, nothing_recorded, problem
from tests.api.staff import PASSWORD, Staff, clinician_account
from tests.infra.test_stolen_database import encodings, postgres_rows, sqlite_rows

WRONG = "a wrong but plausible passphrase"


@pytest.fixture
def staff(client, clock) -> Staff:
    return Staff(client, clock)


def raw_store(settings) -> bytes:
    """Every row of every table of the store (events, views, vault, credentials), and for
    SQLite the file's bytes themselves, freed pages and write-ahead log included."""
    database = Database(settings.database_url)
    if database.is_postgres:
        return repr(postgres_rows(settings.database_url)).encode()
    path = database.sqlite_path
    files = [path, path.with_name(path.name + "-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists()) + repr(
        sqlite_rows(path)).encode()


def found(secret: str, stolen: bytes) -> bool:
    forms = encodings(secret) | {secret.encode().hex().encode(),
                                 base64.b64encode(secret.encode())}
    return any(form in stolen for form in forms)


def test_passwords_and_second_factor_secrets_are_nowhere_in_the_store_logs_or_exports(
        client, app, staff, api_settings, given, caplog):
    caplog.set_level(logging.DEBUG)
    added = staff.add("admin", "alex@clinic-a.example.org", "Alex Admin")
    secret = added["totp_secret"]
    staff.sign_in("alex@clinic-a.example.org", WRONG)
    staff.sign_in("alex@clinic-a.example.org", totp=staff.code(secret))
    given.injected(given.formulated_course())
    regulator = as_role("regulator")
    exported = client.get("/v1/clinics/clinic-a/export", headers=regulator).text
    logs = client.get("/v1/sign-in-log", headers=regulator).text + client.get(
        "/v1/audit", headers=regulator).text + caplog.text
    stolen = raw_store(api_settings)
    assert secret and len(stolen) > 10_000 and added["staff_id"].encode() in stolen
    for text in (PASSWORD, WRONG, secret):
        assert not found(text, stolen), "a secret is readable in the store"
        assert text not in exported and text not in logs


def test_admin_sees_no_clinical_data(client, staff, given):
    patient = given.screened_patient()
    course = given.formulated_course(patient)
    secret = staff.add("admin", "alex@clinic-a.example.org", "Alex Admin")["totp_secret"]
    admin = staff.bearer(email="alex@clinic-a.example.org", totp=staff.code(secret))
    for path in [f"/v1/patients/{patient}", f"/v1/courses/{course}", "/v1/patients",
                 f"/v1/patients/{patient}/progress", f"/v1/patients/{patient}/history",
                 f"/v1/patients/{patient}/export", "/v1/lots/CAF-001/exposures", "/v1/audit",
                 "/v1/access-log", "/v1/clinics/clinic-a/export"]:
        response = client.get(path, headers=admin)
        problem(response, 403, type="urn:mesoledger:problem:role_not_permitted")
        assert "MRN-0001" not in response.text and "cellulite" not in response.text


@pytest.mark.parametrize("named", ["free text", "a nurse", "another clinic's", "deactivated"])
def test_supervisor_not_an_active_clinician_of_the_clinic_is_refused_and_nothing_recorded(
        client, app, given, named):
    course = given.formulated_course()
    supervisor = {"free text": lambda: "Nobody In Particular",
                  "a nurse": lambda: nurse_account(client),
                  "another clinic's": lambda: clinician_account(client, "clinic-b"),
                  "deactivated": lambda: deactivated(client, clinician_account(client))}[named]()
    with nothing_recorded(app):
        response = client.post(f"/v1/courses/{course}/injections", headers=as_role("nurse"),
                               json=bodies.injection(1, supervisor=supervisor))
    problem(response, 409, rule="supervisor_not_active_clinician")


def nurse_account(client) -> str:
    response = client.post("/v1/staff", headers=as_role("admin"), json={
        "name": "Nurse Tom Baker", "email": "tom@clinic-a.example.org", "roles": ["nurse"],
        "password": PASSWORD})
    return response.json()["staff_id"]


def deactivated(client, staff_id: str) -> str:
    response = client.post(f"/v1/staff/{staff_id}/deactivation", headers=as_role("admin"),
                           json={"reason": "left the clinic"})
    assert response.status_code == 201, response.text
    return staff_id


def test_command_line_token_for_a_deactivated_account_is_refused(client, given):
    patient = given.patient()
    staff_id = clinician_account(client)
    minted = {"Authorization": "Bearer " + TokenKeys("HS256", SECRET, SECRET).issue(
        staff_id, "Dr Maria Rossi", "clinician", "clinic-a")}
    assert client.get(f"/v1/patients/{patient}", headers=minted).status_code == 200
    deactivated(client, staff_id)
    problem(client.get(f"/v1/patients/{patient}", headers=minted), 401)
    wrong_role = {"Authorization": "Bearer " + TokenKeys("HS256", SECRET, SECRET).issue(
        clinician_account(client, "clinic-b"), "Dr Maria Rossi", "auditor", "clinic-b")}
    problem(client.get("/v1/audit", headers=wrong_role), 401)


@pytest.fixture
def accounts_required(api_settings):
    return api_settings.model_copy(update={"staff_accounts_required": True})


def test_made_up_users_tokens_are_refused_where_accounts_are_required(accounts_required,
                                                                       clock):
    from fastapi.testclient import TestClient

    from api.http.app import create_app

    with TestClient(create_app(accounts_required, clock=clock)) as client:
        problem(client.get("/v1/patients", headers=as_role("clinician")), 401)
        client.app.state.services.staff.accounts.add(
            "clinic-a", "Dr Maria Rossi", "maria@clinic-a.example.org", ["clinician"],
            PASSWORD, Actor("command-line", "command line", "admin"))
        bearer = Staff(client, clock).bearer()
        assert client.get("/v1/patients", headers=bearer).status_code == 200


def test_another_clinics_admin_finds_no_account_to_change_and_nothing_is_recorded(
        client, app, clock):
    staff_id = clinician_account(client)
    other_admin = as_staff_of("clinic-b", "admin")
    for template in [p for p in bodies.WRITES if p.startswith("/v1/staff/{staff_id}")]:
        with nothing_recorded(app):
            response = client.post(template.format(staff_id=staff_id), headers=other_admin,
                                   json=bodies.WRITES[template](clock()))
        problem(response, 404)
    problem(client.get(f"/v1/staff/{staff_id}", headers=other_admin), 404)
    listed = client.get("/v1/staff", headers=other_admin)
    assert listed.status_code == 200 and listed.json()["staff"] == []


def test_an_accounts_history_is_in_its_clinics_audit_trail_only(client):
    staff_id = deactivated(client, clinician_account(client))
    fresh = {"min_position": client.app.state.services.log_position(),
             "event_type": "Deactivated"}
    own = client.get("/v1/audit", params=fresh, headers=as_role("auditor")).json()["entries"]
    assert [(e["aggregate_id"], e["action"], e["clinic"], e["actor_role"]) for e in own] == [
        (staff_id, "amend", "clinic-a", "admin")]
    other = client.get("/v1/audit", params=fresh, headers=as_staff_of("clinic-b", "auditor"))
    assert other.json()["entries"] == []
