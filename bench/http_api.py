"""POST an injection and GET progress over real HTTP, next to a bare FastAPI + psycopg app.

    .venv/bin/python bench/http_api.py [--seconds 10] [--clients 8] [--embedded-on sqlite]

Ours runs as DESIGN §2 deploys it on PostgreSQL: `mesoledger serve --no-projections` with
one `mesoledger worker` keeping the views, both on this machine (the worker's CPU is paid
here too). The embedded server, keeping the views in its own process as on SQLite, is measured
in the same run for comparison, on its own database (a PostgreSQL schema, or a SQLite file
with `--embedded-on sqlite`), without a goal. Every server is a
uvicorn process on loopback against the same PostgreSQL server; 8 clients (threads with
keep-alive connections) each work on their own patient and its courses.
Prints throughput, the ratio to the bare endpoint, and p50/p99 latency; then the CPU time
our API process spent per request (steadier than throughput on a busy machine).
Goals: POST ≥ 0.5 of bare, GET (with its access-log write) ≥ 0.4, p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, emit  # noqa: E402
from bench.stores import postgres_url, settle_postgres, sqlite_url  # noqa: E402
from infra.database import Database  # noqa: E402
from infra.tokens import TokenKeys  # noqa: E402
from tests.api import bodies  # noqa: E402
from tests.api.test_server import free_port, wait_until_up  # noqa: E402

SECRET = "bench-secret-bench-secret-bench-secret-0123"
BIN = Path(sys.executable).parent


def server_env(url: str, var: str) -> dict[str, str]:
    """What our processes are told: the store, the token secret, one var dir (signing key)."""
    return {"MESOLEDGER_DATABASE_URL": url, "MESOLEDGER_JWT_SECRET": SECRET,
            "MESOLEDGER_VAR_DIR": var, "MESOLEDGER_SIGNING_KEY_PATH": f"{var}/key",
            "MESOLEDGER_AREA_SESSION_VOLUME_LIMIT_ML": "100000"}


def clinician() -> dict[str, str]:
    """Headers of a clinician of clinic-a, signed with SECRET."""
    token = TokenKeys("HS256", SECRET, SECRET).issue("u-bench", "Dr Bench", "clinician",
                                                      "clinic-a")
    return {"Authorization": f"Bearer {token}"}


def deployed(url: str, var: str) -> tuple[list[subprocess.Popen], str]:
    """The PostgreSQL deployment: an API process without projections, and one worker."""
    env = server_env(url, var)
    worker = subprocess.Popen([str(BIN / "mesoledger"), "worker"], env=os.environ | env,
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    api, api_url = start([str(BIN / "mesoledger"), "serve", "--no-projections"], env)
    return [api, worker], api_url


def start(args: list[str], env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([*args, "--port", str(port)], env=os.environ | env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process) if "serve" in args else wait_for_port(url, process)
    return process, url


def wait_for_port(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("bare app did not start")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def load(clients: list[httpx.Client], seconds: float,
         request: Callable[[httpx.Client, int], httpx.Response]) -> tuple[float, list[float]]:
    """Requests per second over all clients, and every latency in ms."""
    latencies: list[list[float]] = [[] for _ in clients]
    deadline = time.perf_counter() + seconds

    def drive(i: int) -> None:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            response = request(clients[i], i)
            latencies[i].append((time.perf_counter() - began) * 1000)
            assert response.status_code < 300, response.text

    threads = [threading.Thread(target=drive, args=(i,)) for i in range(len(clients))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [ms for per_client in latencies for ms in per_client]
    return len(flat) / (time.perf_counter() - began), flat


def cpu_seconds(process: subprocess.Popen) -> float:
    """User and system CPU time the process has used so far, all its threads."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1]


COURSES_PER_CLIENT = 10
"""Each client spreads its injections over ten courses, so a course ends a run with a few
dozen entries, as a real course does (ten sessions, a few areas). One course taking every
injection would grow to thousands of entries, and each command re-checks the course's
volumes and the progress view re-tallies its areas as it grows."""


def prepare_courses(url: str, headers: dict, count: int) -> list[tuple[str, list[str]]]:
    """One screened, consented patient per client, with formulated courses to inject into."""
    patients = []
    with httpx.Client(base_url=f"{url}/v1", headers=headers, timeout=30) as http:
        for i in range(count):
            pid = http.post("/patients", json=bodies.registration(f"B-{i}")).json()["patient_id"]
            http.post(f"/patients/{pid}/consents", json=bodies.consent(datetime.now(UTC)))
            http.post(f"/patients/{pid}/screenings", json=bodies.screening())
            courses = []
            for _ in range(COURSES_PER_CLIENT):
                cid = http.post(f"/patients/{pid}/courses",
                                json=bodies.plan(20)).json()["course_id"]
                http.post(f"/courses/{cid}/formulations", json=bodies.formulation())
                courses.append(cid)
            patients.append((pid, courses))
    return patients


def report(name: str, ours: tuple[float, list[float]], bare: tuple[float, list[float]],
           goal: float | None = None, backend: str = "postgres") -> None:
    """Print one endpoint's line and emit its throughput, p50 and p99 for the report (with
    the issue's goals when given one)."""
    ratio, p99 = ours[0] / bare[0], percentile(ours[1], 99)
    p50s = percentile(ours[1], 50), percentile(bare[1], 50)
    goals = (f"ratio ≥ {goal}", ratio >= goal, "≤ 50 ms", p99 <= 50) if goal else (None,) * 4
    emit(Figure("http_api", backend, f"{name}: throughput", ours[0], "req/s",
                "bare FastAPI + psycopg", bare[0], *goals[:2]),
         Figure("http_api", backend, f"{name}: p50", p50s[0], "ms", "bare p50", p50s[1]),
         Figure("http_api", backend, f"{name}: p99", p99, "ms", "bare p99",
                percentile(bare[1], 99), *goals[2:]))
    verdict = (f" (goal ≥ {goal}) {'MET' if goals[1] else 'MISSED'}"
               f" | p99 ≤ 50 ms {'MET' if goals[3] else 'MISSED'}") if goal else ""
    print(f"{name:<26} {ours[0]:8.1f} req/s  p50 {p50s[0]:6.1f} ms  p99 {p99:6.1f} ms"
          f" | bare {bare[0]:8.1f} req/s  p50 {p50s[1]:5.1f} ms"
          f"  p99 {percentile(bare[1], 99):5.1f} ms | ratio {ratio:4.2f}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--embedded-on", choices=("postgres", "sqlite"), default="postgres",
                        help="the embedded server's store (the deployment and bare app stay "
                        "on PostgreSQL)")
    args = parser.parse_args()
    headers = clinician()
    embedded_store = sqlite_url if args.embedded_on == "sqlite" else postgres_url
    with (postgres_url() as url, embedded_store() as embedded_db,
          tempfile.TemporaryDirectory() as var, tempfile.TemporaryDirectory() as embedded_var):
        ours, ours_url = deployed(url, var)
        embedded, embedded_url = start([str(BIN / "mesoledger"), "serve"],
                                       server_env(embedded_db, embedded_var))
        bare, bare_url = start([str(BIN / "python"), "-m", "uvicorn", "bench.bare_app:app",
                                "--log-level", "warning"],
                               {"BARE_CONNINFO": Database(url).postgres_conninfo()})
        try:
            servers = {name: (server_url, prepare_courses(server_url, headers, args.clients))
                       for name, server_url in (("ours", ours_url), ("embedded", embedded_url))}
            settle_postgres()
            results, cpu = run_phases(servers, {"ours": ours[0], "embedded": embedded},
                                      bare_url, headers, args.seconds)
        finally:
            for process in (*ours, embedded, bare):
                stop(process)
    print(f"HTTP benchmark: {args.clients} clients, {args.seconds:g} s per phase, PostgreSQL"
          f" (embedded server: {args.embedded_on})")
    report("POST injection", results["post"], results["bare_post"], 0.5)
    report("GET progress (+access log)", results["get"], results["bare_get"], 0.4)
    report("POST injection, embedded", results["embedded_post"], results["bare_post"],
           backend=args.embedded_on)
    report("GET progress, embedded", results["embedded_get"], results["bare_get"],
           backend=args.embedded_on)
    print("API process CPU per request: " + ", ".join(
        f"{phase} {ms:.2f} ms" for phase, ms in cpu.items()))


def run_phases(servers: dict[str, tuple[str, list]], processes: dict[str, subprocess.Popen],
               bare_url: str, headers: dict, seconds: float
               ) -> tuple[dict[str, tuple[float, list[float]]], dict[str, float]]:
    """Each phase in turn: bare, then ours (the deployment), then the embedded server; and
    the CPU ms per request of our API processes in each of their phases."""
    injection = bodies.injection(1, volume="0.01")
    clients = {name: [httpx.Client(base_url=f"{url}/v1", headers=headers) for _ in patients]
               for name, (url, patients) in servers.items()}
    bare = [httpx.Client(base_url=bare_url) for _ in servers["ours"][1]]
    turns = {name: [itertools.cycle(courses) for _, courses in patients]
             for name, (_, patients) in servers.items()}

    cpu: dict[str, float] = {}

    def measured(phase: str, name: str, request: Callable) -> tuple[float, list[float]]:
        before = cpu_seconds(processes[name])
        result = load(clients[name], seconds, request)
        cpu[phase] = (cpu_seconds(processes[name]) - before) * 1000 / len(result[1])
        return result

    def post(name: str) -> tuple[float, list[float]]:
        return measured(f"{name} POST", name, lambda c, i: c.post(
            f"/courses/{next(turns[name][i])}/injections", json=injection))

    def get(name: str) -> tuple[float, list[float]]:
        patients = servers[name][1]
        return measured(f"{name} GET", name, lambda c, i: c.get(
            f"/patients/{patients[i][0]}/progress"))

    bare_courses = [courses for _, courses in servers["ours"][1]]
    bare_turns = [itertools.cycle(courses) for courses in bare_courses]
    try:
        return {
            "bare_post": load(bare, seconds, lambda c, i: c.post(
                f"/courses/{next(bare_turns[i])}/injections", json=injection)),
            "post": post("ours"),
            "embedded_post": post("embedded"),
            "bare_get": load(bare, seconds, lambda c, i: c.get(
                f"/courses/{bare_courses[i][0]}/injections")),
            "get": get("ours"),
            "embedded_get": get("embedded"),
        }, cpu
    finally:
        for client in [*bare, *(c for per_server in clients.values() for c in per_server)]:
            client.close()


if __name__ == "__main__":
    main()
