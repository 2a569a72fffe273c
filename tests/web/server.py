"""One real mesoledger server per test module (uvicorn on a free loopback port, a real
SQLite store in a temporary folder), and people signed in to it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn

from api.http.app import create_app
from api.web.session import COOKIE, SessionKeys, WebSession
from infra.settings import Settings
from tests.conftest import Clock

PEOPLE = {  # role → (id, printed name, clinic)
    "clinician": ("u-clin-1", "Dr Maria Rossi", "clinic-a"),
    "nurse": ("u-nurse-1", "Nurse Tom Baker", "clinic-a"),
    "receptionist": ("u-recep-1", "Ana Silva", "clinic-a"),
    "auditor": ("u-audit-1", "Ines Duarte", "clinic-a"),
    "regulator": ("u-reg-1", "Inspector Lee", "*"),
}


class WebServer:
    def __init__(self, app, url: str, clock: Clock, var_dir: Path) -> None:
        self.app, self.url, self.clock, self.var_dir = app, url, clock, var_dir

    @property
    def services(self):
        return self.app.state.services

    def log_position(self) -> int:
        return self.services.log_position()

    def session_cookie(self, role: str, clinic: str | None = None) -> dict:
        sub, name, own_clinic = PEOPLE[role]
        clinic = clinic or own_clinic
        if clinic != own_clinic:
            sub = f"{sub}@{clinic}"
        token = self.services.tokens.issue(sub, name, role, clinic)
        value = SessionKeys.from_var_dir(self.var_dir).seal(WebSession(token, self.clock()))
        return {
            "name": COOKIE,
            "value": value,
            "url": self.url,
            "httpOnly": True,
            "sameSite": "Strict",
        }

    def sign_in(self, page, role: str, clinic: str | None = None) -> None:
        """The person has a session (as the sign-in page leaves one)."""
        page.context.add_cookies([self.session_cookie(role, clinic)])


@contextmanager
def web_server(tmp: Path, clock: Clock | None = None) -> Iterator[WebServer]:
    clock = clock or Clock(datetime.now(UTC).replace(microsecond=0))
    settings = Settings(
        database_url=f"sqlite:///{tmp}/mesoledger.db",
        var_dir=tmp / "var",
        signing_key_path=tmp / "var" / "signing.key",
        jwt_secret="web-test-secret-that-is-long-enough-for-hs256",
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
