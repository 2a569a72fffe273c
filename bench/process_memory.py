"""Peak RSS of the processes a clinic runs, `serve --no-projections` and `worker`, at 100k events.

    .venv/bin/python bench/process_memory.py [--events 100000] [--seconds 10] [--clients 4]

Fills a fresh PostgreSQL store (bench/filling.py), then starts `mesoledger serve
--no-projections` and `mesoledger worker` as their own processes, sharing one var dir and
token secret. The worker starts while this script holds the projections' lock, so it stands
by; its RSS once settled there, and the API's once it has answered its first request, are
the baselines. Then the lock is let go, the worker catches up every event, and the API is
driven for --seconds by --clients clients reading the stored patients' progress and history,
with an injection every tenth request. Prints each process's RSS now and its peak (VmHWM).
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, emit  # noqa: E402
from bench.filling import Filler  # noqa: E402
from bench.http_api import (  # noqa: E402
    BIN,
    clinician,
    load,
    prepare_courses,
    server_env,
    start,
    stop,
)
from bench.projections import fill  # noqa: E402
from bench.rebuild_memory import rss_mb  # noqa: E402
from bench.stores import postgres_url  # noqa: E402
from infra.projecting import open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from tests.api import bodies  # noqa: E402

MESOLEDGER = str(BIN / "mesoledger")
SETTLED_MB = 0.25  # an RSS that moved less than this over SETTLED_S is a process standing by
SETTLED_S = 1.0


def settled_rss(process: subprocess.Popen, within: float = 60.0) -> float:
    """The process's RSS once it has stopped moving (imports done, waiting for the lock)."""
    samples: list[float] = []
    for _ in range(int(within * 10)):
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited with {process.returncode}")
        samples = [*samples, rss_mb(pid=process.pid)][-int(SETTLED_S * 10) - 1:]
        if len(samples) > SETTLED_S * 10 and max(samples) - min(samples) < SETTLED_MB:
            return samples[-1]
        time.sleep(0.1)
    raise RuntimeError(f"the worker's RSS did not settle within {within} s")


def catch_up_seconds(runner, worker: subprocess.Popen, total: int) -> float:
    """Seconds until the worker's views hold all `total` events (polled, not waited on)."""
    started = time.perf_counter()
    while not runner.wait_for(total, timeout=0):
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with {worker.returncode}")
        time.sleep(0.1)
    return time.perf_counter() - started


def clinic_requests(patients: list, treated: list):
    """Walk the stored patients (progress, then history); every tenth request an injection."""
    turns, injection = itertools.count(), bodies.injection(1, volume="0.01")

    def request(client: httpx.Client, i: int) -> httpx.Response:
        turn = next(turns)
        if turn % 10 == 9:
            courses = treated[i][1]
            return client.post(f"/courses/{courses[turn // 10 % len(courses)]}/injections",
                               json=injection)
        view = ("progress", "history")[turn % 2]
        return client.get(f"/patients/{patients[turn // 2 % len(patients)]}/{view}")

    return request


def drive(url: str, patients: list, seconds: float, clients: int) -> float:
    """Requests per second of the clinic's mix over `clients` keep-alive clients."""
    headers = clinician()
    treated = prepare_courses(url, headers, clients)
    sessions = [httpx.Client(base_url=f"{url}/v1", headers=headers, timeout=60)
                for _ in range(clients)]
    try:
        return load(sessions, seconds, clinic_requests(patients, treated))[0]
    finally:
        for session in sessions:
            session.close()


def measure(url: str, var: str, args: argparse.Namespace) -> dict:
    settings = Settings(database_url=url, var_dir=Path(var),
                        signing_key_path=Path(var) / "key")
    records = open_records(settings)
    runner, filler = open_runner(records, settings), Filler(records)
    processes: list[subprocess.Popen] = []
    try:
        found = {"events": fill("postgres", filler, args.events)}
        env = server_env(url, var)
        with runner.lock.held(threading.Event()):
            api, api_url = start([MESOLEDGER, "serve", "--no-projections"], env)
            processes.append(api)
            worker = subprocess.Popen([MESOLEDGER, "worker"], env=os.environ | env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL)
            processes.append(worker)
            found["baseline"] = {"API": rss_mb(pid=api.pid), "worker": settled_rss(worker)}
        found["catch_up_s"] = catch_up_seconds(runner, worker, found["events"])
        found["req_per_s"] = drive(api_url, filler.patients, args.seconds, args.clients)
        for name, process in (("API", api), ("worker", worker)):
            found[name] = rss_mb(pid=process.pid), rss_mb("VmHWM", process.pid)
        return found
    finally:
        for process in processes:
            stop(process)
        runner.views.close()
        records.close()


def report(found: dict, size: str, seconds: float) -> None:
    """Print the table and emit each process's peak RSS and RSS now against its baseline."""
    events = found["events"]
    print(f"worker caught up {events:,} events in {found['catch_up_s']:.1f} s "
          f"({events / found['catch_up_s']:,.0f} events/s, from letting go of the lock)")
    print(f"API answered {found['req_per_s']:.1f} req/s for {seconds:g} s "
          "(progress, history, every tenth an injection)")
    print(f"{'process':8} {'baseline':40} {'MB':>7} {'RSS now':>8} {'peak RSS':>9}")
    emit(Figure("process_memory", "postgres", "worker catch-up", events / found["catch_up_s"],
                "events/s"),
         Figure("process_memory", "postgres", "API mixed reads and writes", found["req_per_s"],
                "req/s"))
    for name, when in (("API", "after its first request"),
                       ("worker", "standing by, before catching up")):
        base, (now, peak) = found["baseline"][name], found[name]
        print(f"{name:8} {when:40} {base:7.1f} {now:8.1f} {peak:9.1f}")
        emit(Figure("process_memory", "postgres", f"{name} peak RSS at {size} events", peak, "MB",
                    f"{name} RSS {when}", base),
             Figure("process_memory", "postgres", f"{name} RSS after the load", now, "MB",
                    f"{name} RSS {when}", base))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    size = f"{args.events / 1000:g}k" if args.events >= 1000 else str(args.events)
    print(f"process memory benchmark: serve --no-projections and worker at {size} events, "
          "PostgreSQL", flush=True)
    with postgres_url() as url, tempfile.TemporaryDirectory() as var:
        found = measure(url, var, args)
    report(found, size, args.seconds)


if __name__ == "__main__":
    main()
