"""One real mesoledger server per test module (uvicorn on a free loopback port, a real
SQLite store in a temporary folder), staff accounts opened on it as the clinic's admin
would, and people signed in to it through the real sign-in."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyotp
import uvicorn

from api.http.app import create_app
from domain.values import Actor
from infra.settings import Settings
from tests.conftest import Clock

PASSWORD = "correct horse battery staple"
PEOPLE = {  # role → printed name
    "clinician": "Dr Maria Rossi",
    "nurse": "Nurse Tom Baker",
    "receptionist": "Ana Silva",
    "auditor": "Ines Duarte",
    "regulator": "Inspector Lee",
    "admin": "Paulo Admin",
}


class WebServer:
    def __init__(self, app, url: str, clock: Clock, var_dir: Path) -> None:
        self.app, self.url, self.clock, self.var_dir = app, url, clock, var_dir
        self.accounts: dict[tuple[str, str], dict] = {}

    @property
    def services(self):
        return self.app.state.services

    def log_position(self) -> int:
        return self.services.log_position()

    def account(self, role: str, clinic: str = "clinic-a") -> dict:
        """A staff account with this role (opened once, by the clinic's admin)."""
        if role == "regulator":  # of every clinic: opened on the command line, not by an admin
            clinic = "*"
        if (role, clinic) not in self.accounts and role == "regulator":
            email = "regulator@authority.example.org"
            new = self.services.staff.accounts.add(
                "*", PEOPLE[role], email, [role], PASSWORD, Actor("setup", "Setup", "admin")
            )
            self.accounts[(role, clinic)] = {
                "email": email,
                "staff_id": str(new.recorded.id),
                "totp_secret": new.totp_secret,
            }
        if (role, clinic) not in self.accounts:
            admin = self.services.tokens.issue(
                f"setup-admin@{clinic}", "Setup Admin", "admin", clinic
            )
            email = f"{role}@{clinic}.example.org"
            answer = httpx.post(
                f"{self.url}/v1/staff",
                json={"name": PEOPLE[role], "email": email, "roles": [role], "password": PASSWORD},
                headers={"Authorization": f"Bearer {admin}"},
            )
            assert answer.status_code == 201, answer.text
            self.accounts[(role, clinic)] = answer.json() | {"email": email}
        return self.accounts[(role, clinic)]

    def sign_in(self, page, role: str, clinic: str = "clinic-a") -> None:
        """Sign the page's browser in (POST /v1/sessions: its session cookie is the web
        app's too); the sign-in page itself is tested on its own."""
        account = self.account(role, clinic)
        body = {"email": account["email"], "password": PASSWORD}
        if account.get("totp_secret"):  # admins sign in with their authenticator's code,
            self.clock.advance(seconds=30)  # each code once
            body["totp"] = pyotp.TOTP(account["totp_secret"]).at(self.clock())
        answer = page.request.post(f"{self.url}/v1/sessions", data=body)
        assert answer.status == 201, answer.text()


@contextmanager
def web_server(
    tmp: Path, clock: Clock | None = None, database_url: str | None = None, **overrides
) -> Iterator[WebServer]:
    clock = clock or Clock(datetime.now(UTC).replace(microsecond=0))
    settings = Settings(
        database_url=database_url or f"sqlite:///{tmp}/mesoledger.db",
        var_dir=tmp / "var",
        signing_key_path=tmp / "var" / "signing.key",
        jwt_secret="web-test-secret-that-is-long-enough-for-hs256",
        password_hash_time_cost=1,
        password_hash_memory_kib=1024,
        **overrides,
    )
    app = create_app(settings, clock=clock)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web test server did not start")
        time.sleep(0.02)
    try:
        yield WebServer(app, f"http://127.0.0.1:{port}", clock, settings.var_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
