"""`verify` and a checkpoint's cost at a million events (issue 18), on SQLite.

    .venv/bin/python bench/evidence.py [--events 1000000] [--store DIR] [--rounds 3]
                                       [--more 10000]

Fills a SQLite store with realistic course events (bench/filling.py) and catches every view
up; with `--store DIR` the store (DIR/bench.db, its keys in DIR/var) is kept there and a later
run reuses it, topping it up to --events (a temporary one otherwise). Then, in this process:

- A checkpoint at that size: the first this process signs (every patient's chain leaf
  hashed), then --rounds later ones, each after --more new events were caught up (the
  default cadence: only the chains that moved are hashed again). Next to each, on the same
  state, reading the log's root alone from the merkle_log view: what a checkpoint cost
  before it carried the patients' root.
- `verify` (infra/verification.py): every leaf recomputed from the stored events, every
  patient's chain, held to every checkpoint in the checkpoint file, no view read — next to
  a raw scan of the same log (read + decode), alternating scan, verify, verify, scan.
  Goal ≥ 30,000 events/s.
- `mesoledger verify`, the command as an operator runs it, in its own process (it also
  settles the views and signs a checkpoint after checking): its wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, show  # noqa: E402
from bench.filling import Filler  # noqa: E402
from bench.projections import fill, raw_scan  # noqa: E402
from infra.integrity import Integrity, open_integrity  # noqa: E402
from infra.projecting import open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from infra.verification import verify  # noqa: E402

VERIFY_GOAL = 30_000
MESOLEDGER = str(Path(sys.executable).with_name("mesoledger"))
BACKEND = "sqlite"


def store_settings(folder: Path) -> Settings:
    """The store in `folder`, with its signing key and patient keys beside it."""
    var = folder / "var"
    return Settings(database_url=f"sqlite:///{folder}/bench.db", var_dir=var,
                    signing_key_path=var / "signing.key",
                    area_session_volume_limit_ml=Decimal("1000"))


def root_alone_ms(integrity: Integrity) -> float:
    """The log's size and root read from the merkle_log view: a checkpoint's tree part."""
    started = time.perf_counter()
    with integrity.runner.views.transaction(write=False, snapshot=True) as tx:
        integrity.log.root(tx, integrity.log.size(tx))
    return (time.perf_counter() - started) * 1000


def signed_ms(integrity: Integrity) -> tuple[float, int]:
    started = time.perf_counter()
    size = integrity.sign().size
    return (time.perf_counter() - started) * 1000, size


def checkpoints(integrity: Integrity, filler: Filler, runner, rounds: int, more: int) -> None:
    runner.catch_up()
    root_ms = root_alone_ms(integrity)
    first, size = signed_ms(integrity)
    patients = len(integrity._leaves)  # noqa: SLF001 - how many chains it hashed
    show(Figure("evidence", BACKEND, f"first checkpoint at {size:,} events", first, "ms",
                "the log's root alone", root_ms),
         f"({patients:,} patients' chains hashed)")
    later, roots = [], []
    for _ in range(rounds):
        filler.fill(filler.log_position() + more)
        runner.catch_up()
        roots.append(root_alone_ms(integrity))
        ms, size = signed_ms(integrity)
        later.append(ms)
    if later:
        show(Figure("evidence", BACKEND, f"later checkpoint at {size:,} events",
                    statistics.median(later), "ms", "the log's root alone",
                    statistics.median(roots)),
             f"(median of {rounds}, each {more:,} events after the last)")


def verify_rates(integrity: Integrity) -> None:
    """Alternating raw scan, verify, verify, raw scan over the same log."""
    records = integrity.runner.records
    scans, verifies, held = [], [], len(integrity.checkpoints.held())
    for kind in ("scan", "verify", "verify", "scan"):
        if kind == "scan":
            count, scan_rate = raw_scan(records)
            scans.append(scan_rate)
            continue
        started = time.perf_counter()
        verdict = verify(integrity)
        verifies.append(verdict.events_checked / (time.perf_counter() - started))
        assert verdict.ok and verdict.events_checked == count, verdict
        assert verdict.checkpoints_checked == held, (verdict, held)
    scan_rate, verify_rate = statistics.mean(scans), statistics.mean(verifies)
    show(Figure("evidence", BACKEND, "raw scan (read+decode)", scan_rate, "events/s"),
         f"(floor; mean of 2, n={count:,})")
    show(Figure("evidence", BACKEND, f"verify, no views (n={count:,})", verify_rate, "events/s",
                "raw scan (read+decode)", scan_rate, f"≥ {VERIFY_GOAL:,} events/s",
                verify_rate >= VERIFY_GOAL),
         f"(mean of 2, against {held} checkpoints)")


def verify_command(settings: Settings, events: int) -> None:
    env = os.environ | {"MESOLEDGER_DATABASE_URL": settings.database_url,
                        "MESOLEDGER_VAR_DIR": str(settings.var_dir),
                        "MESOLEDGER_SIGNING_KEY_PATH": str(settings.signing_key_path),
                        "MESOLEDGER_AREA_SESSION_VOLUME_LIMIT_ML": "1000"}
    started = time.perf_counter()
    done = subprocess.run([MESOLEDGER, "verify"], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    print(f"{BACKEND:8} mesoledger verify: {done.stdout.strip()}", flush=True)
    rate = events / seconds
    show(Figure("evidence", BACKEND, "`mesoledger verify` command", rate, "events/s",
                goal=f"≥ {VERIFY_GOAL:,} events/s", met=rate >= VERIFY_GOAL),
         f"({seconds:.1f} s wall, a process of its own: start, verify, settle, sign)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="keep the store here and reuse it")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--more", type=int, default=10_000)
    args = parser.parse_args()
    print(f"evidence benchmark, N={args.events:,} events, SQLite", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as temporary:
        folder = args.store or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        settings = store_settings(folder)
        records = open_records(settings)
        try:
            # a reused store already holds the MRNs a fresh Filler would give
            filler = Filler(records, mrn_prefix=f"MRN-{time.time_ns():x}")
            fill(BACKEND, filler, args.events)
            runner = open_runner(records, settings)
            started = time.perf_counter()
            runner.catch_up()
            print(f"{BACKEND:8} views caught up in {time.perf_counter() - started:.1f} s",
                  flush=True)
            integrity = open_integrity(runner, settings)
            checkpoints(integrity, filler, runner, args.rounds, args.more)
            verify_rates(integrity)
            runner.views.close()
        finally:
            records.close()
        verify_command(settings, _size(settings))


def _size(settings: Settings) -> int:
    records = open_records(settings)
    try:
        return records.recorder.max_notification_id() or 0
    finally:
        records.close()


if __name__ == "__main__":
    main()
