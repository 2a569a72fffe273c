"""The HTTP interface on a real store: a TestClient per backend and tokens per role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from infra.settings import Settings
from infra.tokens import TokenKeys

SECRET = "test-secret-that-is-long-enough-for-hs256-keys"
STAFF = {  # role → (sub, name, clinic)
    "clinician": ("u-clin-1", "Dr Maria Rossi", "clinic-a"),
    "nurse": ("u-nurse-1", "Nurse Tom Baker", "clinic-a"),
    "receptionist": ("u-recep-1", "Ana Silva", "clinic-a"),
    "auditor": ("u-audit-1", "Ines Duarte", "clinic-a"),
    "regulator": ("u-reg-1", "Inspector Lee", "*"),
}


@pytest.fixture
def api_settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SECRET, var_dir=tmp_path / "var",
                    signing_key_path=tmp_path / "var" / "signing.key")


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
