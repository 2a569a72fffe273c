"""Projection throughput: our catch-up runner, verify and proofs against same-run baselines.

    .venv/bin/python bench/projections.py [--events N] [--backends sqlite,postgres]
                                          [--profile] [--rss 100000,1000000]

Per backend, fills a fresh store with N realistic course events (bench/filling.py), then
measures: a raw scan of the log (read + decode, no writes), our catch-up over every
projection from zero, on PostgreSQL the library's ProjectionRunner with a one-row-per-event
projection, verify against a signed checkpoint, inclusion proofs from the merkle_log view,
and the peak RSS after catching up. `--profile` prints a cProfile of the catch-up (top 25
by cumulative time). `--rss` instead grows one store to each size in turn and rebuilds
every view there in a fresh process (bench/rebuild_memory.py), reporting its peak RSS.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.sql import SQL, Identifier

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, emit, show  # noqa: E402
from bench.filling import Filler  # noqa: E402
from bench.stores import BACKENDS  # noqa: E402
from domain.application import ClinicalRecords  # noqa: E402
from infra.collector import YOUNG_OBJECTS  # noqa: E402
from infra.database import Database  # noqa: E402
from infra.integrity import open_integrity  # noqa: E402
from infra.projecting import open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from infra.verification import verify  # noqa: E402
from projections.merkle_log import MerkleLog  # noqa: E402

CATCH_UP_GOAL = {"postgres": 10_000, "sqlite": 20_000}
VERIFY_GOAL = 30_000
PROOF_GOAL_MS = 20.0
REBUILD_CHILD = Path(__file__).resolve().parent / "rebuild_memory.py"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- measurements -----------------------------------------------------------------------


def raw_scan(records: ClinicalRecords) -> tuple[int, float]:
    """Read and decode every notification, no writes: the floor under any projection."""
    started, count, start = time.perf_counter(), 0, 1
    to_event = records.mapper.to_domain_event
    while notifications := records.recorder.select_notifications(start, 1000):
        for notification in notifications:
            to_event(notification)
        count += len(notifications)
        start = notifications[-1].id + 1
    return count, count / (time.perf_counter() - started)


class RowsRecorder(PostgresTrackingRecorder):
    """A view with one table: one row per event, written with the tracking record."""

    def __init__(self, datastore, **kwargs) -> None:
        super().__init__(datastore, **kwargs)
        self.table = Identifier(self.datastore.schema, "bench_rows")
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0} (position bigint PRIMARY KEY,"
            " originator_id uuid NOT NULL, event_type text NOT NULL)").format(self.table))

    def insert_row(self, domain_event, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("INSERT INTO {0} VALUES (%s, %s, %s)").format(self.table),
                         (tracking.notification_id, domain_event.originator_id,
                          type(domain_event).__name__), prepare=True)
            self._insert_tracking(curs, tracking)


class BenchRows(Projection[RowsRecorder]):
    name = "benchrows"

    def process_event(self, domain_event, tracking: Tracking) -> None:  # type: ignore[override]
        self.view.insert_row(domain_event, tracking)


def library_runner_rate(url: str, count: int) -> float:
    """The library's ProjectionRunner (subscription, one transaction per event)."""

    class Subscribed(ClinicalRecords):
        name = ClinicalRecords.name

        def __init__(self, env=None) -> None:
            super().__init__(env, vault=SimpleNamespace(close=lambda: None))

    env = Database(url).library_env()
    last = count
    started = time.perf_counter()
    with ProjectionRunner(application_class=Subscribed, projection_class=BenchRows,
                          view_class=RowsRecorder, env=env) as runner:
        runner.wait(last, timeout=3600)
        elapsed = time.perf_counter() - started
        rows = runner.view.datastore
        with rows.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT COUNT(*) AS n FROM {0}").format(runner.view.table))
            written = curs.fetchone()["n"]
    if written != count:
        raise RuntimeError(f"library runner wrote {written} rows, expected {count}")
    return count / elapsed


def proof_ms(runner, samples: int = 200) -> tuple[float, int]:
    log, rnd = MerkleLog(), random.Random(11)
    with runner.views.transaction(write=False) as tx:
        size = log.size(tx)
        indices = [rnd.randrange(size) for _ in range(samples)]
        started = time.perf_counter()
        for index in indices:
            log.inclusion_proof(tx, index, size)
        return (time.perf_counter() - started) * 1000 / samples, size


def profile_catch_up(runner) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    runner.catch_up()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def collector_check(backend: str) -> str:
    """Whether opening the records raised this process's cycle-collector threshold
    (infra/collector.py): the catch-up figures are measured with it raised."""
    young = gc.get_threshold()[0]
    verdict = "raised" if young >= YOUNG_OBJECTS else "NOT raised: catch-up figures are low"
    return f"{backend:8} cycle collector: youngest generation every {young:,} objects ({verdict})"


def bench_settings(url: str) -> Settings:
    folder = Path(tempfile.mkdtemp(prefix="bench-proj-"))
    return Settings(database_url=url, area_session_volume_limit_ml=Decimal("1000"),
                    var_dir=folder, signing_key_path=folder / "signing.key")


def fill(backend: str, filler: Filler, target: int) -> int:
    started = time.perf_counter()
    before = filler.log_position()
    total = filler.fill(target)
    fill_s = time.perf_counter() - started
    print(f"{backend:8} filled {total:,} events in {fill_s:.1f} s "
          f"({(total - before) / fill_s:,.0f} events/s)", flush=True)
    return total


def bench(backend: str, url: str, n: int, profile: bool) -> None:
    settings = bench_settings(url)
    records = open_records(settings)
    print(collector_check(backend), flush=True)
    try:
        total = fill(backend, Filler(records), n)
        rss_before = peak_rss_mb()

        scanned, scan_rate = raw_scan(records)
        assert scanned == total, (scanned, total)
        show(Figure("projections", backend, "raw scan (read+decode)", scan_rate, "events/s"),
             "(floor)")

        runner = open_runner(records, settings)
        if profile:
            print(profile_catch_up(runner))
            applied, catch_up_s = total, None
        else:
            started = time.perf_counter()
            applied = runner.catch_up()
            catch_up_s = time.perf_counter() - started
        assert applied == total, (applied, total)
        rss_after = peak_rss_mb()
        if catch_up_s is not None:
            ours = total / catch_up_s
            goal = CATCH_UP_GOAL[backend]
            show(Figure("projections", backend, "catch-up (all views)", ours, "events/s",
                        "vs raw scan", scan_rate, f"≥ {goal:,}", ours >= goal))
        if backend == "postgres":
            try:
                lib = library_runner_rate(url, total)
                if catch_up_s is not None:
                    show(Figure("projections", backend, "catch-up vs library",
                                total / catch_up_s, "events/s", "library ProjectionRunner", lib),
                         "(1 row/event + tracking)")
            except Exception as error:  # noqa: BLE001 - report and carry on
                print(f"{backend:8} library ProjectionRunner skipped: {error!r}")

        integrity = open_integrity(runner, settings)
        checkpoint = integrity.checkpoint()
        started = time.perf_counter()
        verdict = verify(integrity)  # the stored events against the checkpoint file only
        verify_rate = verdict.events_checked / (time.perf_counter() - started)
        assert verdict.ok and verdict.events_checked == checkpoint.size == total, verdict
        show(Figure("projections", backend, "verify", verify_rate, "events/s", "vs raw scan",
                    scan_rate, f"≥ {VERIFY_GOAL:,}", verify_rate >= VERIFY_GOAL))

        ms, size = proof_ms(runner)
        show(Figure("projections", backend, f"inclusion proof (n={size:,})", ms, "ms",
                    goal=f"≤ {PROOF_GOAL_MS:.0f} ms", met=ms <= PROOF_GOAL_MS),
             shown=("vs goal", PROOF_GOAL_MS))
        show(Figure("projections", backend, "peak RSS after catch-up", rss_after, "MB",
                    "peak RSS before catch-up", rss_before), "(process-wide peak)")
    finally:
        records.close()


def rebuild_rss(backend: str, url: str, sizes: list[int]) -> None:
    """Grow one store to each size; at each, rebuild every view in a fresh process."""
    records = open_records(bench_settings(url))
    filler = Filler(records)
    try:
        for size in sizes:
            total = fill(backend, filler, size)
            found = json.loads(subprocess.run([sys.executable, str(REBUILD_CHILD), url],
                                              check=True, capture_output=True,
                                              text=True).stdout)
            assert found["events"] == total, (found, total)
            print(f"{backend:8} rebuild of all views at {total:>9,} events: peak RSS "
                  f"{found['peak_rss_mb']:6.1f} MB | RSS before {found['rss_before_mb']:.1f} MB,"
                  f" highest per quarter of the rebuild {found['rss_by_quarter_mb']} MB"
                  f" | its log-reading helper {found['helper_peak_rss_mb']:.1f} MB at most"
                  f" | {total / found['seconds']:,.0f} events/s", flush=True)
            emit(Figure("projections", backend, f"rebuild peak RSS at {total:,} events",
                        found["peak_rss_mb"], "MB", "RSS before the rebuild",
                        found["rss_before_mb"]),
                 Figure("projections", backend, f"rebuild's helper RSS at {total:,} events",
                        found["helper_peak_rss_mb"], "MB"),
                 Figure("projections", backend, f"rebuild at {total:,} events",
                        total / found["seconds"], "events/s"))
    finally:
        records.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the catch-up instead of timing it")
    parser.add_argument("--rss", metavar="SIZES", default="",
                        help="comma-separated log sizes: peak RSS of a rebuild at each")
    args = parser.parse_args()
    sizes = [int(size) for size in args.rss.split(",") if size]
    print(f"projections benchmark, {f'rebuild RSS at {sizes}' if sizes else f'N={args.events:,}'}"
          " events", flush=True)
    for name in args.backends.split(","):
        with BACKENDS[name]() as url:
            if sizes:
                rebuild_rss(name, url, sizes)
            else:
                bench(name, url, args.events, args.profile)


if __name__ == "__main__":
    main()
