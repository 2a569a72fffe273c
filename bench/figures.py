"""One measured figure of a benchmark, next to its same-run baseline, for bench/REPORT.md.

Every benchmark prints its own table; when `BENCH_FIGURES` names a file (bench/run sets it),
it also appends each figure there as one JSON line, and bench/run writes the report from
those lines. Run alone, a benchmark writes nothing extra.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    bench: str                 # which benchmark: "projections", "export", "http_api", ...
    backend: str               # "postgres", "sqlite", or "-" when there is no database
    name: str                  # what was measured, e.g. "catch-up (all views)"
    ours: float
    unit: str                  # "events/s", "req/s", "ms", "MB", "s", "kB", "B/event", ...
    baseline_name: str | None = None   # what it is compared with, measured in the same run
    baseline: float | None = None
    goal: str | None = None    # the goal in words, e.g. "≥ 10,000 events/s"
    met: bool | None = None    # whether `ours` meets the goal (None when there is none)
    load: float | None = None  # the 1-minute load average when it was measured (`uptime`)

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def emit(*figures: Figure) -> None:
    """Append the figures to the file named by BENCH_FIGURES, if any, each with the machine's
    load now unless it carries the load it was measured under (2 CPUs, shared)."""
    path = os.environ.get("BENCH_FIGURES")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        for figure in figures:
            load = figure.load if figure.load is not None else os.getloadavg()[0]
            out.write(json.dumps(asdict(figure) | {"load": round(load, 2)}) + "\n")


UNIT_FORMAT = {"s": ",.3f", "kB": ",.1f", "B/event": ",.0f"}   # others ",.1f"


def show(figure: Figure, note: str = "", shown: tuple[str, float] | None = None) -> None:
    """Print the figure as one row of a benchmark's table, and emit it. `note` stands in for
    a goal; `shown` prints a comparison that is no same-run baseline (the goal itself)."""
    fmt = UNIT_FORMAT.get(figure.unit, ",.1f")
    base_name, base = shown or (figure.baseline_name or "-", figure.baseline)
    ratio = f"ratio {figure.ours / base:5.2f}" if base else "ratio   n/a"
    base_text = f"{base:10{fmt}} {figure.unit}" if base is not None else "n/a"
    verdict = f"goal {figure.goal} {'MET' if figure.met else 'MISSED'}" if figure.goal else note
    load = figure.load if figure.load is not None else os.getloadavg()[0]
    print(f"{figure.backend:8} {figure.name:24} {figure.ours:10{fmt}} {figure.unit:9} | "
          f"{base_name:28} {base_text:16} | {ratio} | {verdict} | load {load:.2f}", flush=True)
    emit(figure)


def read(path: str) -> list[Figure]:
    with open(path, encoding="utf-8") as lines:
        return [Figure(**json.loads(line)) for line in lines if line.strip()]
