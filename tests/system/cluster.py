"""A clinic that outgrew one machine, for real: API and worker processes on one PostgreSQL.

Two `mesoledger serve --no-projections` processes on their own ports and two `mesoledger
worker` processes on one fresh schema, as separate operating-system processes. Any of them
can be killed (SIGKILL) and started again; PostgreSQL itself can be restarted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from domain.application import ClinicalRecords
from infra.database import Database
from infra.settings import Settings
from tests.api.conftest import SECRET, token
from tests.api.test_server import MESOLEDGER, free_port

POSTGRES_VERSION = sorted(os.listdir("/etc/postgresql"))[-1]  # the cluster .ci/run starts
EVENTS = f"{ClinicalRecords.name.lower()}_events"  # the eventsourcing library's stored events


@dataclass
class Member:
    """One process of the cluster: started, killed and started again by the tests."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([MESOLEDGER, *self.args], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no goodbye, no cleanup, like a machine losing power."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])


@dataclass
class Api(Member):
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        super().start()
        self.wait_until_up()

    def wait_until_up(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.alive, self.tail()
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not come up within {within} s\n{self.tail()}")


class Cluster:
    def __init__(self, database_url: str, folder: Path, apis: int = 2, workers: int = 2):
        self.database_url = database_url
        self.var = var = folder / "var"
        self.env = os.environ | {
            "MESOLEDGER_DATABASE_URL": database_url, "MESOLEDGER_JWT_SECRET": SECRET,
            "MESOLEDGER_VAR_DIR": str(var),
            "MESOLEDGER_SIGNING_KEY_PATH": str(var / "signing.key")}
        self.apis = [Api(f"api-{n}", [], self.env, folder / f"api-{n}.log")
                     for n in range(1, apis + 1)]
        for api in self.apis:
            api.args = ["serve", "--no-projections", "--port", str(api.port)]
        self.workers = [Member(f"worker-{n}", ["worker"], self.env, folder / f"worker-{n}.log")
                        for n in range(1, workers + 1)]

    @property
    def settings(self) -> Settings:
        """What the cluster's processes read: its database, and its keys under its var."""
        return Settings(database_url=self.database_url, jwt_secret=SECRET, var_dir=self.var,
                        signing_key_path=self.var / "signing.key")

    @property
    def members(self) -> list[Member]:
        return [*self.apis, *self.workers]

    def start(self) -> None:
        self.cli("projections", "rebuild")  # creates the store before processes race to
        for member in self.members:
            member.start()

    def stop(self) -> None:
        for member in self.members:
            member.stop()

    def logs(self) -> str:
        return "\n".join(member.tail() for member in self.members)

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """A `mesoledger` command against the cluster's database."""
        return subprocess.run([MESOLEDGER, *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Read the database directly (what an inspector with psql would see)."""
        conninfo = Database(self.database_url).postgres_conninfo()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def inspector(self) -> Inspector:
        return Inspector(self.database_url)


class Inspector:
    """What psql would show, over one connection kept open: cheap enough to ask before
    and after every request. Close it when done."""

    def __init__(self, database_url: str) -> None:
        self.conn = psycopg.connect(Database(database_url).postgres_conninfo(),
                                    autocommit=True)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        return self.conn.execute(query, params).fetchall()

    def log_position(self) -> int:
        """The position of the last event stored (0 before the first)."""
        return self.sql(f"SELECT COALESCE(MAX(notification_id), 0) FROM {EVENTS}")[0][0]

    def tables(self) -> set[str]:
        return {name for (name,) in self.sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}

    def close(self) -> None:
        self.conn.close()


def bearer(role: str, clinic: str = "clinic-a", sub: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, clinic, sub=sub)}"}


@contextmanager
def postgres_away() -> Iterator[None]:
    """Stop the PostgreSQL server every process here depends on, and start it again after
    the block (a restart with a look at the API in between)."""
    postgres("stop")
    try:
        yield
    finally:
        postgres("start")


def postgres(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", POSTGRES_VERSION, "main",
                    action], check=True, capture_output=True, timeout=120)
