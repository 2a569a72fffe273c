"""Every benchmark of the project at the sizes the issues name, then bench/REPORT.md.

    bench/run [--quick] [--report PATH] [--only TITLE,...]

Runs each benchmark below as its own process (those with both backends run on PostgreSQL and
SQLite), with BENCH_FIGURES naming a file it appends its figures to, and rewrites the report
after each one. One that fails, times out or emits nothing is reported as such and the others
still run; bench/run then exits 1. `--quick` runs small sizes, to check the tooling.
`--only` runs the benchmarks named (by title or script) and keeps the others' sections from
the report as it was, each marked with the run it came from.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import read  # noqa: E402
from bench.report import ROOT, Outcome, earlier_sections, machine, render  # noqa: E402

TAIL_LINES = 25
GRACE_S = 60
TIMEOUT_S = {False: 3 * 3600, True: 600}   # per benchmark: full sizes, --quick


@dataclass(frozen=True)
class Benchmark:
    title: str
    script: str                  # under bench/
    full: tuple[str, ...]        # its arguments at the issues' sizes
    quick: tuple[str, ...]       # and for --quick


BENCHMARKS = (
    Benchmark("commands", "commands.py", (), ("--count", "50", "--long", "200")),
    Benchmark("projections", "projections.py", ("--events", "100000"), ("--events", "2000")),
    Benchmark("projections: rebuild memory", "projections.py", ("--rss", "100000,1000000"),
              ("--rss", "1000,3000")),
    Benchmark("merkle proofs", "merkle_proofs.py", ("--leaves", "1000000"),
              ("--leaves", "20000", "--proofs", "100")),
    Benchmark("export", "export.py", ("--events", "1000000"),
              ("--events", "3000", "--entries", "100")),
    Benchmark("checkpoints", "checkpoints.py", ("--patients", "20000"),
              ("--patients", "2000", "--rounds", "5")),
    Benchmark("evidence at 1M events", "evidence.py", ("--events", "1000000"),
              ("--events", "3000", "--rounds", "2", "--more", "500")),
    Benchmark("checkpoint cadence", "cadence.py", (),
              ("--events", "2000", "--rounds", "2", "--seconds", "1", "--clients", "2")),
    Benchmark("clinic export", "clinic_export.py", ("--sizes", "25000,100000"),
              ("--sizes", "1000,3000")),
    Benchmark("HTTP API", "http_api.py", ("--clients", "8"),
              ("--clients", "2", "--seconds", "1")),
    Benchmark("patient directory", "directory.py", ("--patients", "100000"),
              ("--patients", "2000", "--runs", "10")),
    Benchmark("token verification", "token_verification.py", (),
              ("--rounds", "2", "--seconds", "1", "--clients", "2")),
    Benchmark("process memory", "process_memory.py", ("--events", "100000"),
              ("--events", "3000", "--seconds", "2", "--clients", "2")),
    Benchmark("web pages", "web.py", ("--entries", "2000"),
              ("--entries", "200", "--requests", "20")),
)


def interrupt(process: subprocess.Popen, fired: threading.Event) -> None:
    """SIGINT first, so its `finally` blocks stop its servers and drop its schemas."""
    fired.set()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()


def run(benchmark: Benchmark, quick: bool, figures: Path) -> Outcome:
    """Run one benchmark, its output passed through, and collect what it emitted."""
    args = benchmark.quick if quick else benchmark.full
    shown = " ".join([f"bench/{benchmark.script}", *args])
    script = ROOT / "bench" / benchmark.script
    if not script.exists():
        return Outcome(benchmark.title, shown, 0.0, f"bench/{benchmark.script} does not exist")
    print(f"\n=== {shown}", flush=True)
    started, fired = time.perf_counter(), threading.Event()
    process = subprocess.Popen([sys.executable, str(script), *args], cwd=ROOT, text=True,
                               env=os.environ | {"BENCH_FIGURES": str(figures),
                                                 "PYTHONUNBUFFERED": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = threading.Timer(TIMEOUT_S[quick], interrupt, (process, fired))
    timer.daemon = True
    timer.start()
    output = []
    for line in process.stdout:
        print(line, end="", flush=True)
        output.append(line.rstrip("\n"))
    code, seconds = process.wait(), time.perf_counter() - started
    timer.cancel()
    found = read(str(figures)) if figures.exists() else []
    problem = (f"timed out after {TIMEOUT_S[quick]:,} s" if fired.is_set()
               else f"exit code {code}" if code
               else "it exited 0 but emitted no figures" if not found else None)
    return Outcome(benchmark.title, shown, seconds, problem, found,
                   output[-TAIL_LINES:] if problem else [])


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (a minute or two): checks the tooling, not figures")
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "REPORT.md",
                        help="where to write it (default bench/REPORT.md)")
    parser.add_argument("--only", default="",
                        help="comma-separated titles or scripts to run; keep the others' sections")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    chosen = [b for b in BENCHMARKS if not only or only & {b.title, b.script}]
    if only and not chosen:
        parser.error(f"no benchmark is called {args.only}")
    kept = earlier_sections(args.report) if only and args.report.exists() else {}
    started, facts, outcomes = datetime.now(UTC), machine(), []
    with tempfile.TemporaryDirectory(prefix="bench-figures-") as folder:
        for i, benchmark in enumerate(chosen):
            outcomes.append(run(benchmark, args.quick, Path(folder) / f"{i}.jsonl"))
            args.report.write_text(render(outcomes, len(chosen), facts, started, args.quick,
                                          [b.title for b in BENCHMARKS], kept),
                                   encoding="utf-8")
    failed = [outcome.title for outcome in outcomes if outcome.problem]
    minutes = (datetime.now(UTC) - started).total_seconds() / 60
    print(f"\nwrote {args.report} in {minutes:.1f} min"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
