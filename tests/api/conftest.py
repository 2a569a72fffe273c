"""The HTTP interface on a real store: a TestClient per backend and tokens per role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from infra.settings import Settings
from infra.tokens import TokenKeys
from projections.access_log import AccessFilter, AccessLog
from tests.api import bodies

SECRET = "test-secret-that-is-long-enough-for-hs256-keys"
STAFF = {  # role → (sub, name, clinic)
    "clinician": ("u-clin-1", "Dr Maria Rossi", "clinic-a"),
    "nurse": ("u-nurse-1", "Nurse Tom Baker", "clinic-a"),
    "receptionist": ("u-recep-1", "Ana Silva", "clinic-a"),
    "auditor": ("u-audit-1", "Ines Duarte", "clinic-a"),
    "regulator": ("u-reg-1", "Inspector Lee", "*"),
    "admin": ("u-admin-1", "Alex Admin", "clinic-a"),
}
PROBLEM = "application/problem+json"


@pytest.fixture
def api_settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SECRET, var_dir=tmp_path / "var",
                    signing_key_path=tmp_path / "var" / "signing.key",
                    password_hash_time_cost=1, password_hash_memory_kib=1024)  # bench's cost


@pytest.fixture
def app(api_settings, clock):
    return create_app(api_settings, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def token(role: str, clinic: str | None = None, ttl: timedelta = timedelta(hours=1),
          sub: str | None = None) -> str:
    default_sub, name, default_clinic = STAFF[role]
    return TokenKeys("HS256", SECRET, SECRET).issue(
        sub or default_sub, name, role, clinic or default_clinic, ttl)


def as_role(role: str, clinic: str | None = None, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, clinic)}", **headers}


def as_staff_of(clinic: str, role: str) -> dict[str, str]:
    """A member of another clinic's staff (their own user id)."""
    return {"Authorization": f"Bearer {token(role, clinic, sub=f'{STAFF[role][0]}@{clinic}')}"}


def problem(response, status: int, **named) -> dict:
    """The response is an RFC 9457 problem with this status, naming what it should."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM, response.headers
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:mesoledger:problem:")
    for key, value in named.items():
        assert body.get(key) == value, (key, body)
    return body


@contextmanager
def nothing_recorded(app):
    """The block records no event: the log does not move."""
    before = app.state.services.log_position()
    yield
    assert app.state.services.log_position() == before, "a refused request recorded something"


def events_after(app, position: int) -> list:
    """The events recorded after a log position (PostgreSQL positions may skip numbers)."""
    recorder = app.state.services.records.recorder
    return list(recorder.select_notifications(position, 100_000, inclusive_of_start=False))


def access_entries(app, **where) -> list[dict]:
    """Every access-log entry (straight from the table, not through the API)."""
    with app.state.services.views.transaction(write=False) as tx:
        return AccessLog.page(tx, AccessFilter(**where), 0, 1_000_000)


class Given:
    """The steps before the one under test, done right over HTTP by the right role."""

    def __init__(self, client: TestClient, clock, clinic: str = "clinic-a") -> None:
        self.client, self.clock, self.clinic = client, clock, clinic

    def headers(self, role: str) -> dict[str, str]:
        return as_role(role, self.clinic) if self.clinic == "clinic-a" else as_staff_of(
            self.clinic, role)

    def post(self, path: str, body: dict, role: str = "clinician") -> dict:
        response = self.client.post(path, json=body, headers=self.headers(role))
        assert response.status_code == 201, response.text
        return response.json()

    def patient(self, mrn: str = "MRN-0001", name: str = "Genevieve Okonkwo-Hart") -> str:
        return self.post("/v1/patients", bodies.registration(mrn, name),
                         "receptionist")["patient_id"]

    def consented_patient(self, mrn: str = "MRN-0001", **options) -> str:
        patient = self.patient(mrn, **options)
        self.post(f"/v1/patients/{patient}/consents", bodies.consent(self.clock()),
                  "receptionist")
        return patient

    def screened_patient(self, mrn: str = "MRN-0001", **options) -> str:
        patient = self.consented_patient(mrn, **options)
        self.post(f"/v1/patients/{patient}/screenings", bodies.screening())
        return patient

    def course(self, patient: str | None = None) -> str:
        patient = patient or self.screened_patient()
        return self.post(f"/v1/patients/{patient}/courses", bodies.plan())["course_id"]

    def formulated_course(self, patient: str | None = None, lot: str = "CAF-001") -> str:
        course = self.course(patient)
        self.post(f"/v1/courses/{course}/formulations", bodies.formulation(lot))
        return course

    def injected(self, course: str, session: int = 1, lot: str = "CAF-001") -> dict:
        return self.post(f"/v1/courses/{course}/injections", bodies.injection(session, lot=lot))


@pytest.fixture
def given(client, clock) -> Given:
    return Given(client, clock)


@pytest.fixture
def given_b(client, clock) -> Given:
    """The same steps in another clinic."""
    return Given(client, clock, "clinic-b")
