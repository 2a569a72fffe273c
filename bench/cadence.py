"""What signing checkpoints on a cadence costs POST injection throughput (issue 18): paired runs.

    .venv/bin/python bench/cadence.py [--events 100000] [--rounds 4] [--seconds 10]
                                      [--clients 8] [--every-events 1000] [--every-seconds 10]

Two PostgreSQL deployments as DESIGN §2 runs them (`mesoledger serve --no-projections` and one
`mesoledger worker`, which signs the checkpoints), each on its own schema filled with the same
--events realistic course events (bench/filling.py), views caught up before they start. They
differ only in the cadence: one signs a checkpoint every --every-events events or
--every-seconds seconds (ten times the default's rate, so a run holds many) and sends each to
a witness (`mesoledger witness`, its own process); the other is set never to sign. Both run
all the time; the load alternates between them, off then on, then on then off, for --rounds
pairs of --seconds each, so a change in the machine's load falls on both. Reports the pooled
POST throughput of each and its ratio (goal: the cadence costs ≤ 5%, ratio ≥ 0.95), the p99
latencies, the checkpoints signed and cosigned during the load, and the worker's CPU per
request (steadier than throughput on a shared machine).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checkpoints import _wait_for  # noqa: E402
from bench.figures import Figure, show  # noqa: E402
from bench.filling import Filler  # noqa: E402
from bench.http_api import (  # noqa: E402
    BIN,
    clinician,
    cpu_seconds,
    load,
    percentile,
    prepare_courses,
    server_env,
    start,
    stop,
)
from bench.projections import fill  # noqa: E402
from bench.stores import postgres_url, settle_postgres  # noqa: E402
from domain.ledger.signed_note import NoteSigner  # noqa: E402
from infra.checkpoint_file import CheckpointFile  # noqa: E402
from infra.integrity import default_origin, load_signing_key  # noqa: E402
from infra.projecting import open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from tests.api import bodies  # noqa: E402
from tests.api.test_server import free_port  # noqa: E402

MESOLEDGER = str(BIN / "mesoledger")
GOAL = 0.95
NEVER = {"MESOLEDGER_CHECKPOINT_EVERY_EVENTS": str(10**12),
         "MESOLEDGER_CHECKPOINT_EVERY_SECONDS": str(10**9)}


class Deployment:
    """An API process and a worker on one store, and the checkpoint file they keep."""

    def __init__(self, name: str, url: str, var: Path, env: dict[str, str]) -> None:
        self.name, self.var = name, var
        self.env = server_env(url, str(var)) | env
        self.processes: list[subprocess.Popen] = []

    def start(self) -> str:
        self.worker = subprocess.Popen([MESOLEDGER, "worker"], env=os.environ | self.env,
                                       cwd=ROOT, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.STDOUT)
        self.processes.append(self.worker)
        api, self.url = start([MESOLEDGER, "serve", "--no-projections"], self.env)
        self.processes.append(api)
        return self.url

    def checkpoints(self) -> tuple[int, int]:
        """Checkpoints in its file, and those with a witness's cosignature."""
        held = CheckpointFile(self.var / "checkpoints.ndjson").held()
        return len(held), sum(len(h.signatures) > 1 for h in held)

    def stop(self) -> None:
        for process in self.processes:
            stop(process)


def prefill(url: str, var: Path, events: int) -> None:
    settings = Settings(database_url=url, var_dir=var, signing_key_path=var / "key",
                        area_session_volume_limit_ml=Decimal("100000"))
    records = open_records(settings)
    try:
        fill("postgres", Filler(records), events)
        runner = open_runner(records, settings)
        runner.catch_up()
        runner.views.close()
    finally:
        records.close()


def witness_for(var: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    """A witness following the log whose key is in `var`: its process and 'VKEY@URL'."""
    key = load_signing_key(var / "key")
    log = NoteSigner(default_origin(key), key).verifier.vkey
    port = free_port()
    process = subprocess.Popen([MESOLEDGER, "witness", "--port", str(port), "--key",
                                str(folder / "w.key"), "--data", str(folder / "w"), "--log",
                                log], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    return process, f"{_wait_for(url)}@{url}"


def phases(deployments: dict[str, Deployment], rounds: int, seconds: float,
           clients: int) -> dict[str, list[tuple[float, list[float], float]]]:
    """Alternating load: per deployment, each phase's (req/s, latencies, worker CPU ms/req)."""
    headers, injection = clinician(), bodies.injection(1, volume="0.01")
    prepared = {name: prepare_courses(d.url, headers, clients)
                for name, d in deployments.items()}
    sessions = {name: [httpx.Client(base_url=f"{d.url}/v1", headers=headers, timeout=60)
                       for _ in range(clients)] for name, d in deployments.items()}
    turns = {name: [itertools.cycle(courses) for _, courses in patients]
             for name, patients in prepared.items()}
    found: dict[str, list] = {name: [] for name in deployments}
    settle_postgres()
    time.sleep(2)  # the "on" worker's first checkpoint (over the prefill) is signed by now
    try:
        for n in range(rounds):
            for name in ("off", "on") if n % 2 == 0 else ("on", "off"):
                before = cpu_seconds(deployments[name].worker)
                rate, latencies = load(sessions[name], seconds, lambda c, i, name=name: c.post(
                    f"/courses/{next(turns[name][i])}/injections", json=injection))
                cpu = (cpu_seconds(deployments[name].worker) - before) * 1000 / len(latencies)
                found[name].append((rate, latencies, cpu))
                print(f"round {n + 1} cadence {name:3}: {rate:7.1f} req/s, p99"
                      f" {percentile(latencies, 99):5.1f} ms, worker {cpu:.2f} ms CPU/req,"
                      f" load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        for client in itertools.chain.from_iterable(sessions.values()):
            client.close()
    return found


def report(found: dict[str, list], signed: tuple[int, int],
           args: argparse.Namespace) -> None:
    pooled = {name: statistics.mean(rate for rate, *_ in runs) for name, runs in found.items()}
    pairs = [on[0] / off[0] for on, off in zip(found["on"], found["off"], strict=True)]
    ratio = pooled["on"] / pooled["off"]
    cadence = f"every {args.every_events:,} events or {args.every_seconds:g} s, 1 witness"
    show(Figure("cadence", "postgres", "POST injection, cadence on", pooled["on"], "req/s",
                "cadence off (alternating)", pooled["off"], f"ratio ≥ {GOAL}", ratio >= GOAL),
         f"({cadence}; per-pair ratios {', '.join(f'{r:.2f}' for r in pairs)})")
    print(f"per-pair ratios {', '.join(f'{r:.2f}' for r in pairs)}; median"
          f" {statistics.median(pairs):.3f}; pooled {ratio:.3f}")
    on = [ms for _, lat, _ in found["on"] for ms in lat]
    off = [ms for _, lat, _ in found["off"] for ms in lat]
    show(Figure("cadence", "postgres", "POST injection p99, cadence on", percentile(on, 99),
                "ms", "cadence off", percentile(off, 99)), "")
    show(Figure("cadence", "postgres", "worker CPU per request, cadence on",
                statistics.mean(cpu for *_, cpu in found["on"]), "ms",
                "cadence off", statistics.mean(cpu for *_, cpu in found["off"])),
         "(catch-up + signing; the API's own CPU is the same code)")
    show(Figure("cadence", "postgres", "checkpoints signed under load", signed[0], "count"),
         f"({signed[1]} cosigned by the witness; {len(on):,} injections)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--every-events", type=int, default=1_000)
    parser.add_argument("--every-seconds", type=float, default=10)
    args = parser.parse_args()
    print(f"checkpoint cadence benchmark: {args.events:,} events per store, {args.rounds} pairs"
          f" of {args.seconds:g} s, {args.clients} clients, PostgreSQL", flush=True)
    with (postgres_url() as on_url, postgres_url() as off_url,
          tempfile.TemporaryDirectory() as folder):
        vars_ = {name: Path(folder) / name for name in ("on", "off")}
        for name, url in (("off", off_url), ("on", on_url)):
            prefill(url, vars_[name], args.events)
        witness, address = witness_for(vars_["on"], Path(folder))
        on_env = {"MESOLEDGER_CHECKPOINT_EVERY_EVENTS": str(args.every_events),
                  "MESOLEDGER_CHECKPOINT_EVERY_SECONDS": str(args.every_seconds),
                  "MESOLEDGER_WITNESSES": json.dumps([address])}
        deployments = {"off": Deployment("off", off_url, vars_["off"], NEVER),
                       "on": Deployment("on", on_url, vars_["on"], on_env)}
        try:
            for deployment in deployments.values():
                deployment.start()
            before = deployments["on"].checkpoints()
            found = phases(deployments, args.rounds, args.seconds, args.clients)
            after = deployments["on"].checkpoints()
            assert deployments["off"].checkpoints()[0] == 0, "the 'off' deployment signed"
        finally:
            for deployment in deployments.values():
                deployment.stop()
            stop(witness)
    report(found, (after[0] - before[0], after[1] - before[1]), args)


if __name__ == "__main__":
    main()
