"""Safety signals and the outcomes registry on a large store, and what their views cost.

    .venv/bin/python bench/signals.py [--events N] [--cost-events M] [--rounds R]
                                      [--requests K] [--backends sqlite,postgres]

Per backend, fills a fresh store with realistic course events (bench/filling.py):
- at M events, the views' cost on catch-up, paired: the views main had before issue 24
  (with its lot_exposure, from commit BASELINE) and this branch's (lot_safety in its place,
  plus outcomes) rebuilt from zero in turn, R rounds (which goes first alternates); the
  figure is the median slowdown of ours against main's by round, beside the machine's CPU
  seconds for each set's rebuild (every process: steadier than the rates when the machine
  is shared);
- then on to N events, caught up, GET /v1/signals and GET /v1/outcomes over HTTP (a
  regulator, across clinics; a clinician, own clinic; the registry filtered to one
  indication × area × scale, and whole): p50 of K requests after warm-up.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.http.app import create_app  # noqa: E402
from bench.figures import Figure, show  # noqa: E402
from bench.filling import Filler  # noqa: E402
from bench.stores import BACKENDS, settle_postgres  # noqa: E402
from infra.projecting import all_projections, open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from infra.tokens import TokenKeys  # noqa: E402
from projections.lot_safety import LotSafety  # noqa: E402
from projections.outcomes import Outcomes  # noqa: E402

SECRET = "bench-secret-that-is-long-enough-for-hs256-keys"
P50_GOAL_MS = 200
COST_GOAL = 0.10
READS = {  # name → (path, query, role, clinic)
    "signals, regulator": ("/v1/signals", {}, "regulator", "*"),
    "signals, clinic": ("/v1/signals", {}, "clinician", "clinic-a"),
    "outcomes, one cell set": ("/v1/outcomes", {"indication": "cellulite",
                                                "area": "thighs.lateral",
                                                "scale": "hexsel_csss"}, "regulator", "*"),
    "outcomes, everything": ("/v1/outcomes", {}, "regulator", "*"),
    "outcomes, clinic": ("/v1/outcomes", {}, "clinician", "clinic-a"),
}


BASELINE = "fd712ec"
"""The commit whose lot_exposure view lot_safety and outcomes replaced (main before issue 24)."""


def mains_lot_exposure():
    """The lot_exposure view as BASELINE had it (lot_safety replaced it), importable by the
    log-reading helper process too (on its PYTHONPATH)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show",
                             f"{BASELINE}:projections/lot_exposure.py"],
                            check=True, capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="bench-main-"))
    (folder / "mains_lot_exposure.py").write_text(source)
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(folder), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return importlib.import_module("mains_lot_exposure").LotExposure()


def bench_settings(url: str) -> Settings:
    folder = Path(tempfile.mkdtemp(prefix="bench-signals-"))
    return Settings(database_url=url, area_session_volume_limit_ml=Decimal("1000"),
                    var_dir=folder, signing_key_path=folder / "signing.key",
                    jwt_secret=SECRET)


def machine_cpu_seconds() -> float:
    """CPU time every process of the machine has spent so far (Linux's /proc/stat): this
    process, the log-reading helper and PostgreSQL's backends together."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(n) for n in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait


def rebuild_rate(runner, names: list[str], total: int) -> tuple[float, float]:
    """Events per second of a rebuild of these views, and the machine's CPU seconds for it."""
    started, cpu = time.perf_counter(), machine_cpu_seconds()
    applied = runner.rebuild(*names)
    assert applied == total, (applied, total)
    return total / (time.perf_counter() - started), machine_cpu_seconds() - cpu


def catch_up_cost(backend: str, records, settings: Settings, total: int, rounds: int) -> None:
    runner = open_runner(records, settings)
    ours = all_projections(records, settings, runner.views)
    mains = [p for p in ours if not isinstance(p, LotSafety | Outcomes)]
    mains.append(mains_lot_exposure())
    slowdowns, rates, cpu = [], {"main": [], "ours": []}, {"main": [], "ours": []}
    try:
        for round_number in range(rounds):
            pair = (("main", mains), ("ours", ours))
            # Alternate which set goes first: whatever the first leaves behind (buffers to
            # write, tables for autovacuum) then weighs on each set as often.
            for label, views in pair[::-1] if round_number % 2 else pair:
                runner.projections = {p.name: p for p in views}
                runner._extractors = {p.name: type(p).facts for p in views}
                with runner.views.transaction() as tx:
                    for projection in views:
                        projection.create(tx)
                if backend == "postgres":
                    settle_postgres()
                rate, seconds = rebuild_rate(runner, list(runner.projections), total)
                rates[label].append(rate)
                cpu[label].append(seconds)
            slowdowns.append(rates["main"][-1] / rates["ours"][-1] - 1)
    finally:
        runner.views.close()
    cost = statistics.median(slowdowns)
    show(Figure("signals", backend, "catch-up, ours", statistics.median(rates["ours"]),
                "events/s", "main's views", statistics.median(rates["main"])), "(medians)")
    show(Figure("signals", backend, "catch-up slowdown", cost * 100, "%",
                goal=f"≤ {COST_GOAL:.0%} (paired median)", met=cost <= COST_GOAL),
         shown=None)
    print(f"{backend:8} paired slowdowns by round: "
          + ", ".join(f"{s:+.1%}" for s in slowdowns), flush=True)
    # Steadier than the rates on a shared machine: what each rebuild cost in CPU, everywhere.
    show(Figure("signals", backend, "machine CPU, ours", statistics.median(cpu["ours"]),
                "s", "main's views", statistics.median(cpu["main"])), "(medians)")


def latencies(backend: str, settings: Settings, requests: int) -> None:
    app = create_app(settings, run_projections=False)
    keys = TokenKeys("HS256", SECRET, SECRET)
    with TestClient(app) as client:
        for name, (path, query, role, clinic) in READS.items():
            headers = {"Authorization": "Bearer " + keys.issue(
                f"bench-{role}", "Bench", role, clinic, timedelta(hours=1))}
            times = []
            for i in range(requests + 3):
                started = time.perf_counter()
                response = client.get(path, params=query, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.text
                if i >= 3:
                    times.append(elapsed)
            p50 = statistics.median(times)
            show(Figure("signals", backend, f"{name} p50", p50, "ms", goal=f"≤ {P50_GOAL_MS} ms",
                        met=p50 <= P50_GOAL_MS), f"{len(response.content):,} B")


def fill(backend: str, filler: Filler, n: int) -> int:
    started = time.perf_counter()
    total = filler.fill(n)
    print(f"{backend:8} filled to {total:,} events in {time.perf_counter() - started:.0f} s",
          flush=True)
    return total


def bench(backend: str, url: str, n: int, cost_n: int, rounds: int, requests: int) -> None:
    settings = bench_settings(url)
    records = open_records(settings)
    filler = Filler(records)
    try:
        if rounds:
            catch_up_cost(backend, records, settings, fill(backend, filler, cost_n), rounds)
        fill(backend, filler, n)
        runner = open_runner(records, settings)
        started = time.perf_counter()
        applied = runner.catch_up()
        print(f"{backend:8} caught up {applied:,} events in {time.perf_counter() - started:.0f}"
              " s", flush=True)
        runner.views.close()
    finally:
        records.close()
    latencies(backend, settings, requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--cost-events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    print(f"signals benchmark, N={args.events:,} events", flush=True)
    for name in args.backends.split(","):
        with BACKENDS[name]() as url:
            bench(name, url, args.events, args.cost_events, args.rounds, args.requests)


if __name__ == "__main__":
    main()
