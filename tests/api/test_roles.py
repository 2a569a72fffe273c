"""Who may do what, route by route: a 403 exactly where the role table says no.

The table is written out here, not imported from api/http/permissions.py, so a change to
either one fails this test until the other is changed too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.routing import iter_route_contexts

from tests.api import bodies
from tests.api.conftest import Given, as_role, nothing_recorded, problem

ROLES = ("clinician", "nurse", "receptionist", "auditor", "regulator", "admin")
EVERYONE = frozenset(ROLES) - {"admin"}  # an admin looks after staff, and sees no patient
FRONT_DESK = frozenset({"clinician", "receptionist"})
CLINICIAN = frozenset({"clinician"})
TREATERS = frozenset({"clinician", "nurse"})
CLINICAL_READERS = frozenset({"clinician", "nurse", "auditor", "regulator"})
LOT_TRACERS = frozenset({"clinician", "auditor", "regulator"})
OVERSIGHT = frozenset({"auditor", "regulator"})
EXPORTERS = frozenset({"clinician", "auditor", "regulator"})
FRAMEWORK = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
ADMIN = frozenset({"admin"})
SIGN_IN_READERS = frozenset({"auditor", "admin", "regulator"})
OWN_ACCOUNT = {("POST", "/v1/sessions"), ("DELETE", "/v1/sessions"),
               ("POST", "/v1/staff/me/totp"), ("POST", "/v1/staff/me/password"),
               ("GET", "/auth/oidc/login"), ("GET", "/auth/oidc/callback")}
"""Signing in (with a password or through the clinic's provider) and out, and one's own
second factor and password: anyone, for themselves (tests/api/test_sign_in.py,
tests/oidc/test_web_sign_in.py)."""


@dataclass
class Scene:
    """A real patient with a formulated, injected course, and a spare course to close."""

    given: Given
    patient: str
    course: str
    spare_course: str
    staff_id: str

    def path(self, template: str) -> str:
        spare = template.endswith(("/status", "/voids"))  # these would close the main course
        if template == "/v1/recalls/exposures":
            return template + "?product=caffeine%202%25&lot=CAF-001"
        return template.format(patient_id=self.patient, scope="photography",
                               course_id=self.spare_course if spare else self.course,
                               condition="migraine", lot="CAF-001", clinic="clinic-a",
                               staff_id=self.staff_id, version=1)


TABLE: dict[tuple[str, str], frozenset[str]] = {  # (method, path) → who may
    ("POST", "/v1/patients"): FRONT_DESK,
    ("GET", "/v1/patients"): EVERYONE,
    ("GET", "/v1/patients/{patient_id}"): CLINICAL_READERS,
    ("POST", "/v1/patients/{patient_id}/personal-data"): FRONT_DESK,
    ("POST", "/v1/patients/{patient_id}/consents"): FRONT_DESK,
    ("POST", "/v1/patients/{patient_id}/consents/{scope}/withdrawal"): FRONT_DESK,
    ("POST", "/v1/patients/{patient_id}/screenings"): CLINICIAN,
    ("POST", "/v1/patients/{patient_id}/allergies"): CLINICIAN,
    ("POST", "/v1/patients/{patient_id}/conditions"): CLINICIAN,
    ("POST", "/v1/patients/{patient_id}/conditions/{condition}/resolution"): CLINICIAN,
    ("POST", "/v1/patients/{patient_id}/courses"): CLINICIAN,
    ("GET", "/v1/courses/{course_id}"): CLINICAL_READERS,
    ("POST", "/v1/courses/{course_id}/plan"): CLINICIAN,
    ("POST", "/v1/courses/{course_id}/status"): CLINICIAN,
    ("POST", "/v1/courses/{course_id}/voids"): TREATERS,  # a nurse: her own entries, a day
    ("POST", "/v1/courses/{course_id}/formulations"): CLINICIAN,
    ("POST", "/v1/courses/{course_id}/injections"): TREATERS,
    ("POST", "/v1/courses/{course_id}/outcomes"): TREATERS,
    ("POST", "/v1/courses/{course_id}/adverse-events"): TREATERS,
    ("GET", "/v1/patients/{patient_id}/progress"): CLINICAL_READERS,
    ("GET", "/v1/patients/{patient_id}/history"): CLINICAL_READERS,
    ("GET", "/v1/patients/{patient_id}/export"): EXPORTERS,
    ("GET", "/v1/clinics/{clinic}/export"): OVERSIGHT,
    ("POST", "/v1/patients/{patient_id}/erasure"): CLINICIAN,
    ("GET", "/v1/lots/{lot}/exposures"): LOT_TRACERS,
    ("POST", "/v1/recalls"): frozenset({"clinician", "regulator"}),
    ("GET", "/v1/recalls"): LOT_TRACERS,
    ("GET", "/v1/recalls/exposures"): LOT_TRACERS,
    ("POST", "/v1/patients/{patient_id}/recall-contacts"): TREATERS,
    ("GET", "/v1/signals"): LOT_TRACERS,
    ("POST", "/v1/protocols"): CLINICIAN,
    ("GET", "/v1/protocols"): CLINICAL_READERS,
    ("GET", "/v1/outcomes"): CLINICAL_READERS,
    ("POST", "/v1/products"): CLINICIAN,
    ("GET", "/v1/products"): CLINICAL_READERS,
    ("GET", "/v1/audit"): OVERSIGHT,
    ("GET", "/v1/access-log"): OVERSIGHT,
    ("GET", "/v1/integrity/checkpoint"): EVERYONE,
    ("GET", "/v1/integrity/public-key"): EVERYONE,
    ("GET", "/v1/integrity/verify"): OVERSIGHT,
    ("GET", "/v1/health"): frozenset(ROLES),
    ("GET", "/health"): frozenset(ROLES),
    ("GET", "/v1/sign-in-log"): SIGN_IN_READERS,
    ("GET", "/v1/staff"): ADMIN,
    ("POST", "/v1/staff"): ADMIN,
    ("GET", "/v1/staff/{staff_id}"): ADMIN,
    ("POST", "/v1/staff/{staff_id}/roles"): ADMIN,
    ("POST", "/v1/staff/{staff_id}/role-revocations"): ADMIN,
    ("POST", "/v1/staff/{staff_id}/deactivation"): ADMIN,
    ("POST", "/v1/staff/{staff_id}/reactivation"): ADMIN,
    ("POST", "/v1/staff/{staff_id}/password"): ADMIN,
    ("POST", "/v1/patients/{patient_id}/signatures"): TREATERS,
    ("POST", "/v1/courses/{course_id}/signatures"): TREATERS,
    ("POST", "/v1/patients/{patient_id}/signatures/{version}/revocations"): TREATERS,
    ("POST", "/v1/courses/{course_id}/signatures/{version}/revocations"): TREATERS,
    ("GET", "/v1/signatures/queue"): TREATERS,
    ("GET", "/v1/signatures/awaiting"): TREATERS,
    ("GET", "/v1/signatures/unsigned"): OVERSIGHT,
    ("POST", "/v1/patients/{patient_id}/voids"): TREATERS,  # last: it voids the consent
}
SIGNING = {"/v1/patients/{patient_id}/signatures", "/v1/courses/{course_id}/signatures"}
"""Only a staff account signs: these tokens name none, so a role that may is answered
not_a_staff_account (tests/api/test_signature_attacks.py)."""


def routes_of(app) -> set[tuple[str, str]]:
    """Every method and path the API answers, the framework's own pages aside (the web
    app's pages, outside /v1, take the same permissions: tests/web checks them)."""
    return {(method, route.path) for route in iter_route_contexts(app.routes)
            for method in route.methods or () if method != "HEAD"
            and route.path not in FRAMEWORK and not _web_page(route.path)}


def _web_page(path: str) -> bool:
    from api.web.routes import ROUTERS

    return any(route.path == path for module in ROUTERS for route in module.router.routes)


@pytest.fixture
def scene(given) -> Scene:
    patient = given.screened_patient()
    course = given.formulated_course(patient)
    given.injected(course)
    spare = given.formulated_course(patient)
    given.post(f"/v1/patients/{patient}/conditions", {"condition": "migraine"})
    staff_id = given.post("/v1/staff", bodies.WRITES["/v1/staff"](given.clock()), "admin")
    return Scene(given, patient, course, spare, staff_id["staff_id"])


def call(client, scene: Scene, method: str, path: str, role: str):
    body = bodies.WRITES[path](scene.given.clock()) if method == "POST" else None
    return client.request(method, scene.path(path), headers=as_role(role), json=body)


def test_every_route_has_an_entry_in_the_role_table(app):
    assert routes_of(app) == set(TABLE) | OWN_ACCOUNT


def test_each_role_is_refused_exactly_where_the_table_says(app, client, scene):
    wrong = []
    for (method, path), may in TABLE.items():
        for role in ROLES:
            before = app.state.services.log_position()
            response = call(client, scene, method, path, role)
            recorded = app.state.services.log_position() != before
            by_rule = response.status_code == 403 and "rule" in response.json()  # whose entry
            if role in may and path in SIGNING:
                problem(response, 403, type="urn:mesoledger:problem:not_a_staff_account")
            elif role in may and response.status_code not in (200, 201, 409) and not by_rule:
                wrong.append((method, path, role, response.status_code, response.text[:200]))
            elif role not in may and (response.status_code != 403 or recorded):
                wrong.append((method, path, role, response.status_code, "expected 403",
                              "and it recorded something" if recorded else ""))
            elif role not in may:
                problem(response, 403, type="urn:mesoledger:problem:role_not_permitted")
    assert wrong == []


def test_regulators_and_auditors_are_refused_every_write(app, client, scene):
    """A regulator's one write is a recall (of a lot, in every clinic)."""
    writes = sorted(path for method, path in routes_of(app) - OWN_ACCOUNT
                    if method == "POST" and path != "/v1/recalls")
    assert writes, "no write routes found"
    for path in writes:
        for role in ("regulator", "auditor"):
            with nothing_recorded(app):
                response = call(client, scene, "POST", path, role)
            problem(response, 403, type="urn:mesoledger:problem:role_not_permitted")


def test_a_receptionist_reads_no_clinical_data(client, scene):
    clinical = ["/v1/patients/{patient_id}", "/v1/courses/{course_id}",
                "/v1/patients/{patient_id}/progress", "/v1/patients/{patient_id}/history",
                "/v1/patients/{patient_id}/export", "/v1/lots/{lot}/exposures", "/v1/audit",
                "/v1/access-log"]
    for path in clinical:
        response = client.get(scene.path(path), headers=as_role("receptionist"))
        body = problem(response, 403)
        assert "cellulite" not in response.text and scene.patient not in body["detail"]


def test_the_directory_withholds_the_screening_result_from_a_receptionist(client, scene):
    query = {"mrn": "MRN-0001", "min_position": client.app.state.services.log_position()}
    seen = {role: client.get("/v1/patients", params=query, headers=as_role(role)).json()
            for role in ("receptionist", "nurse")}

    assert [entry["status"] for entry in seen["nurse"]] == ["eligible"]
    assert [entry["status"] for entry in seen["receptionist"]] == [None]
    assert [entry["mrn"] for entry in seen["receptionist"]] == ["MRN-0001"]
