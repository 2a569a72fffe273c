"""One real OpenID provider per test session, and an app that trusts it."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from domain.values import Actor
from infra.settings import Settings
from tests.api.conftest import SECRET
from tests.oidc.loopback import (
    API,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URL,
    ROLES,
    LoopbackProvider,
    installed,
)


@pytest.fixture(scope="session")
def provider(tmp_path_factory) -> Iterator[LoopbackProvider]:
    installed()
    running = LoopbackProvider(tmp_path_factory.mktemp("oidc-provider")).start()
    yield running
    running.stop()


STAFF = {  # e-mail → the staff account of clinic-a it signs in to (name, roles, active)
    "maria.rossi@clinic-a.test": ("Dr Maria Rossi", ["clinician"], True),
    "tom.baker@clinic-a.test": ("Tom Baker", ["nurse"], True),
    "left.last.year@clinic-a.test": ("Sam Gone", ["clinician"], False),
    "two.hats@clinic-a.test": ("Two Hats", ["clinician", "auditor"], True),
    "ana.silva@clinic-a.test": ("Ana Silva", ["receptionist"], True),
}
ADMIN = Actor("admin-setup", "Clinic Admin", "admin")


class Roster:
    """The clinic's staff accounts, recorded through the use cases; e-mail → staff id."""

    def __init__(self, records) -> None:
        self.records, self.ids = records, {}
        for email, (name, roles, active) in STAFF.items():
            self.ids[email] = str(records.register_staff("clinic-a", name, email, roles,
                                                         ADMIN).id)
            if not active:
                self.deactivate(email)

    def deactivate(self, email: str) -> None:
        self.records.deactivate_staff(UUID(self.ids[email]), "left the clinic", ADMIN)


def oidc_settings(provider: LoopbackProvider, database_url: str, tmp_path, **changes) -> Settings:
    return Settings(**{
        "database_url": database_url, "jwt_secret": SECRET, "var_dir": tmp_path / "var",
        "signing_key_path": tmp_path / "var" / "signing.key", "oidc_issuer": provider.issuer,
        "oidc_audience": API, "oidc_client_id": CLIENT_ID, "oidc_client_secret": CLIENT_SECRET,
        "oidc_redirect_url": REDIRECT_URL, "oidc_roles": ROLES,
        "oidc_scope": "openid email profile clinic"} | changes)


@pytest.fixture
def connect(provider, sqlite_url, tmp_path, clock):
    """A client of an app trusting the provider (on SQLite unless told), with the clinic's
    staff accounts recorded (`client.roster`)."""
    clients = []

    def connect(database_url: str = sqlite_url, **changes) -> TestClient:
        app = create_app(oidc_settings(provider, database_url, tmp_path, **changes),
                         clock=clock)
        clients.append(TestClient(app).__enter__())
        clients[-1].roster = Roster(app.state.services.records)
        return clients[-1]

    yield connect
    for client in clients:
        client.__exit__(None, None, None)
