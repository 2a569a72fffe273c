"""One real OpenID provider per test session, and an app that trusts it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from infra.provider_identity import StaffAccount
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


class Roster:
    """Staff accounts by clinic and e-mail, deactivated at will (the staff store's part)."""

    def __init__(self) -> None:
        self.accounts: dict[tuple[str, str], tuple[StaffAccount, bool]] = {}

    def add(self, clinic: str, email: str, staff_id: str, name: str, *roles: str) -> None:
        self.accounts[clinic, email] = StaffAccount(staff_id, name, frozenset(roles)), True

    def deactivate(self, clinic: str, email: str) -> None:
        self.accounts[clinic, email] = self.accounts[clinic, email][0], False

    def active_by_email(self, clinic: str, email: str) -> StaffAccount | None:
        account, active = self.accounts.get((clinic, email), (None, False))
        return account if active else None

    def active_by_subject(self, clinic, issuer, subject) -> StaffAccount | None:
        return None


@pytest.fixture
def roster() -> Roster:
    roster = Roster()
    roster.add("clinic-a", "maria.rossi@clinic-a.test", "staff-maria", "Dr Maria Rossi",
               "clinician")
    roster.add("clinic-a", "tom.baker@clinic-a.test", "staff-tom", "Tom Baker", "nurse")
    roster.add("clinic-a", "left.last.year@clinic-a.test", "staff-sam", "Sam Gone",
               "clinician")
    roster.deactivate("clinic-a", "left.last.year@clinic-a.test")
    roster.add("clinic-a", "two.hats@clinic-a.test", "staff-two", "Two Hats", "clinician",
               "auditor")
    return roster


def oidc_settings(provider: LoopbackProvider, database_url: str, tmp_path, **changes) -> Settings:
    return Settings(**{
        "database_url": database_url, "jwt_secret": SECRET, "var_dir": tmp_path / "var",
        "signing_key_path": tmp_path / "var" / "signing.key", "oidc_issuer": provider.issuer,
        "oidc_audience": API, "oidc_client_id": CLIENT_ID, "oidc_client_secret": CLIENT_SECRET,
        "oidc_redirect_url": REDIRECT_URL, "oidc_roles": ROLES} | changes)


@pytest.fixture
def connect(provider, roster, sqlite_url, tmp_path, clock):
    """A client of an app trusting the provider (on SQLite unless told), its staff matched
    against the roster."""
    clients = []

    def connect(database_url: str = sqlite_url, **changes) -> TestClient:
        app = create_app(oidc_settings(provider, database_url, tmp_path, **changes),
                         clock=clock)
        app.state.services.tokens.identity.accounts = roster
        clients.append(TestClient(app).__enter__())
        return clients[-1]

    yield connect
    for client in clients:
        client.__exit__(None, None, None)
