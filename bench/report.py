"""bench/REPORT.md: the machine, then each benchmark's figures next to their same-run baselines."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import psycopg

from bench.figures import Figure
from bench.stores import SERVER

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    """How one benchmark run went: its command, time, exit and figures."""

    title: str
    command: str
    seconds: float
    problem: str | None          # None when it exited 0 and emitted figures
    figures: list[Figure] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)   # its last lines of output, on a problem


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    cpus = sum(line.startswith("processor") for line in cpuinfo.splitlines())
    return {"CPU": f"{model}, {cpus} CPUs",
            "RAM": f"{mem_kb / 1024**2:.1f} GiB",
            "OS": f"{platform.freedesktop_os_release().get('PRETTY_NAME', platform.system())}, "
                  f"kernel {platform.release()}",
            "Python": platform.python_version(),
            "PostgreSQL": postgres_version(),
            "SQLite": sqlite3.sqlite_version,
            "eventsourcing": metadata.version("eventsourcing"),
            "pymerkle (merkle_proofs' baseline)": installed("pymerkle"),
            "commit": commit(),
            "load average at start (1, 5, 15 min)": ", ".join(f"{load:.2f}"
                                                              for load in os.getloadavg())}


def postgres_version() -> str:
    try:
        with psycopg.connect(f"{SERVER} dbname=postgres", connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as error:
        return f"unreachable ({str(error).strip().splitlines()[0]})"


def installed(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()

    changed = git("status", "--porcelain", "--", ".", ":!bench/REPORT.md").splitlines()
    return git("rev-parse", "--short", "HEAD") + (
        f" + uncommitted changes in {len(changed)} files" if changed else " (clean tree)")


def number(value: float | None) -> str:
    if value is None:
        return ""
    size = abs(value)
    return f"{value:,.0f}" if size >= 100 else f"{value:.1f}" if size >= 10 else (
        f"{value:.2f}" if size >= 1 else f"{value:.3g}")


def took(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 100 else f"{seconds / 60:.1f} min"


def row(figure: Figure) -> str:
    baseline = f"{figure.baseline_name}: {number(figure.baseline)}" if figure.baseline_name \
        else ""
    met = {True: "yes", False: "**no**", None: ""}[figure.met]
    ratio = f"{figure.ratio:.2f}" if figure.ratio is not None else ""
    return (f"| {figure.name} | {figure.backend} | {number(figure.ours)} | {figure.unit} | "
            f"{baseline} | {ratio} | {figure.goal or ''} | {met} | {load(figure)} |")


def load(figure: Figure) -> str:
    return f"{figure.load:.2f}" if figure.load is not None else ""


def status(outcome: Outcome) -> str:
    if outcome.problem:
        return f"**FAILED**: {outcome.problem}"
    goals = [figure.met for figure in outcome.figures if figure.met is not None]
    return f"ok, {len(outcome.figures)} figures" + (
        f", {sum(goals)} of {len(goals)} goals met" if goals else "")


def section(outcome: Outcome) -> list[str]:
    lines = [f"## {outcome.title}", "",
             f"`{outcome.command}` — {took(outcome.seconds)}, {status(outcome)}", ""]
    if outcome.figures:
        lines += ["| figure | backend | ours | unit | baseline (same run) | ratio | goal | met "
                  "| load (1 min) |",
                  "|---|---|---:|---|---|---:|---|---|---:|", *map(row, outcome.figures), ""]
    if outcome.tail:
        lines += ["Its last lines of output:", "", "```text", *outcome.tail, "```", ""]
    return lines


@dataclass(frozen=True)
class Kept:
    """A benchmark's summary row and section from the report before, not run this time; or a
    section written by hand (no row), kept as it was after the benchmarks' sections."""

    row: str | None
    lines: list[str]


def earlier_sections(path: Path) -> dict[str, Kept]:
    """Each benchmark's summary row and section in an earlier report, marked with its run, and
    the sections written by hand."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    run = re.search(r"started (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", text)
    commit_row = re.search(r"^\| commit \| ([^|]+) \|", text, re.MULTILINE)
    origin = (f"Kept from the run started {run.group(1) if run else '(unknown)'} UTC, commit"
              f" {commit_row.group(1).strip() if commit_row else '(unknown)'}; not re-run"
              " this time.")
    rows = {line.split("|")[1].strip(): line for line in lines
            if line.startswith("| ") and line.count("|") == 4}
    kept, title, body = {}, None, []
    for line in [*lines, "## "]:
        if line.startswith("## "):
            if title in rows:
                while body and not body[-1]:
                    body.pop()
                marked = body if origin[:10] in "\n".join(body) else [
                    *body[:1], f"*{origin}*", "", *body[1:]]
                kept[title] = Kept(rows[title], [f"## {title}", *marked, ""])
            elif title is not None:
                while body and not body[-1]:
                    body.pop()
                kept[title] = Kept(None, [f"## {title}", *body, ""])
            title, body = line[3:].strip(), []
        elif title is not None:
            body.append(line)
    return kept


def render(outcomes: list[Outcome], planned: int, facts: dict[str, str], started: datetime,
           quick: bool, order: list[str] | None = None,
           kept: dict[str, Kept] | None = None) -> str:
    """The report; with `kept`, the benchmarks not run this time keep their earlier rows and
    sections, in `order`."""
    kept = {title: k for title, k in (kept or {}).items()
            if title not in {o.title for o in outcomes}}
    minutes = (datetime.now(UTC) - started).total_seconds() / 60
    sizes = ("`--quick`: small sizes, for checking the tooling — not figures to quote"
             if quick else "the sizes the issues name")
    done = "" if len(outcomes) == planned else f" ({len(outcomes)} of {planned} done so far)"
    partly = (f" It re-ran {', '.join(o.title for o in outcomes)}; the other sections are kept"
              " from earlier runs, each marked with its own." if kept else "")
    ran = {o.title: o for o in outcomes}
    titles = [t for t in (order or []) if t in ran or (t in kept and kept[t].row)] or list(ran)
    by_hand = [t for t, k in kept.items() if k.row is None and t not in titles]
    summary = [f"| {ran[t].title} | {took(ran[t].seconds)} | {status(ran[t])} |" if t in ran
               else kept[t].row for t in titles]
    lines = ["# Benchmark report", "",
             f"Written by `bench/run` at {sizes}, started {started:%Y-%m-%d %H:%M} UTC, "
             f"{minutes:.1f} min{done}.{partly} Ratio = ours / baseline, both measured in the"
             " same run: for rates higher is better, for times and memory lower is. Load ="
             " the 1-minute load average (`uptime`) when a figure was taken, on 2 CPUs shared"
             " with other work.", "",
             "| machine | |", "|---|---|", *(f"| {k} | {v} |" for k, v in facts.items()), "",
             "| benchmark | took | result |", "|---|---:|---|", *summary, ""]
    for title in titles:
        lines += section(ran[title]) if title in ran else kept[title].lines
    for title in by_hand:
        lines += kept[title].lines
    return "\n".join(lines)
