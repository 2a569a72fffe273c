"""The patient directory at 100,000 patients: a page of 50 and a name search, with names
sealed and found through the blind index, next to the plaintext directory of before (a
table of names in clear, searched with LIKE) filled alike in the same run; and patient
registrations per second, paired against another checkout of the project.

    .venv/bin/python bench/directory.py [--patients N] [--runs N] [--against TREE]

`--against TREE` (e.g. a `git worktree` of main with this venv) runs the registration
benchmark alternately here and there, three times each, so both see the same machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import date
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_TREE", str(ROOT)))

from bench.stores import BACKENDS  # noqa: E402
from domain.personal_data import PersonalData, seal  # noqa: E402
from domain.values import Actor  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402

FIRST = ("María", "Sofia", "Jean", "Chloé", "Lars", "Ægir", "Zoë", "Amira", "Daniel",
         "Hannah", "Oliver", "Lucía", "Émilie", "Rajesh", "Mateo", "Ingrid", "Yusuf", "Mei")
SYLLABLES = ("ka", "ro", "mi", "ten", "sol", "var", "qui", "lin", "dez", "bré", "hau",
             "ström", "nov", "ez", "ski", "ard")
DESK = Actor("u-desk", "Front Desk", "receptionist")
PLAIN = ("CREATE TABLE plain_directory (patient_id TEXT PRIMARY KEY, clinic TEXT NOT NULL,"
         " mrn TEXT NOT NULL, name TEXT NOT NULL, search_name TEXT NOT NULL,"
         " status TEXT NOT NULL, active_courses INTEGER NOT NULL)")
PLAIN_INDEXES = ("CREATE INDEX plain_by_mrn ON plain_directory (clinic, mrn)",
                 "CREATE INDEX plain_by_name ON plain_directory (clinic, search_name)")
PLAIN_PAGE = ("SELECT patient_id, clinic, mrn, name, status, active_courses FROM"
              " plain_directory WHERE clinic = ? {where} ORDER BY search_name, mrn LIMIT 50")


def search_key_plain(text: str) -> str:
    """How the plaintext directory kept a name to search: composed, case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def surnames(rng: random.Random, count: int) -> list[str]:
    return [("".join(rng.choice(SYLLABLES) for _ in range(3))).capitalize()
            for _ in range(count)]


def fill(records, runner, patients: int) -> list[str]:
    """`patients` registered straight into both directories (sealed, and in clear)."""
    from projections.patient_directory.facts import Registered
    rng, directory = random.Random(19), runner.projections["patient_directory"]
    family = surnames(rng, 2000)
    with runner.views.transaction() as tx:
        tx.execute(PLAIN)
    for start in range(0, patients, 1000):
        ids = [uuid4() for _ in range(min(1000, patients - start))]
        keys = records.vault.create_keys(ids)
        people = {p: PersonalData(f"{rng.choice(FIRST)} {rng.choice(family)}",
                                  date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1),
                                  "female", f"+1 555 {rng.randrange(10**7):07}") for p in ids}
        facts = [Registered(str(p), seal(keys[p], p, people[p]), "clinic-a",
                            f"A-{start + i:06}") for i, p in enumerate(ids)]
        with runner.views.transaction() as tx:
            directory.apply(tx, facts)
            tx.insert("plain_directory", ("patient_id", "clinic", "mrn", "name",
                                          "search_name", "status", "active_courses"),
                      [(f.patient_id, "clinic-a", f.mrn, people[p].name,
                        search_key_plain(people[p].name), "unscreened", 0)
                       for f, p in zip(facts, ids, strict=True)])
    with runner.views.transaction() as tx:
        for statement in PLAIN_INDEXES:
            tx.execute(statement)
    # Both directories with their statistics, as autovacuum (or ANALYZE) gives a live store.
    with runner.views.transaction() as tx:
        for table in ("patient_directory", "directory_words", "plain_directory"):
            tx.execute(f"ANALYZE {table}")
    return family


def timed(runner, work) -> float:
    started = time.perf_counter()
    with runner.views.transaction(write=False) as tx:
        work(tx)
    return (time.perf_counter() - started) * 1000


def directory_figures(backend: str, patients: int, runs: int) -> list[tuple]:
    with BACKENDS[backend]() as url, tempfile.TemporaryDirectory() as keys:
        settings = Settings(database_url=url, var_dir=keys)
        from infra.projecting import open_runner
        records = open_records(settings)
        runner = open_runner(records, settings)
        try:
            started = time.perf_counter()
            family = fill(records, runner, patients)
            print(f"{backend}: {patients:,} patients in both directories in"
                  f" {time.perf_counter() - started:.0f} s", flush=True)
            return measure(runner, family, runs)
        finally:
            runner.views.close()
            records.close()


def measure(runner, family: list[str], runs: int) -> list[tuple]:
    """p50 in ms of each query and its plaintext baseline, interleaved run by run."""
    directory, rng = runner.projections["patient_directory"], random.Random(7)
    rows = lambda where, *params: lambda tx: tx.rows(  # noqa: E731
        PLAIN_PAGE.format(where=where), ("clinic-a", *params))
    cases = {"page of 50": (lambda name: lambda tx: directory.search(tx, "clinic-a"),
                            lambda name: rows("")),
             "search by surname": (
                 lambda name: lambda tx: directory.search(tx, "clinic-a", name=name),
                 lambda name: rows("AND search_name LIKE ?", f"% {name.lower()}%")),
             "search by first-name prefix": (
                 lambda name: lambda tx: directory.search(tx, "clinic-a", name="mar"),
                 lambda name: rows("AND search_name LIKE ?", "mar%"))}
    times = {case: ([], []) for case in cases}
    for _ in range(runs):
        name = rng.choice(family)
        for case, (ours, plain) in cases.items():
            times[case][0].append(timed(runner, ours(name)))
            times[case][1].append(timed(runner, plain(name)))
    return [(case, statistics.median(o), statistics.median(b))
            for case, (o, b) in times.items()]


def registration_rate(backend: str, count: int) -> float:
    with BACKENDS[backend]() as url, tempfile.TemporaryDirectory() as keys:
        records = open_records(Settings(database_url=url, var_dir=keys))
        person = PersonalData("Lucía Quintana", date(1985, 3, 14), "female", "l@example.org")
        try:
            started = time.perf_counter()
            for i in range(count):
                records.register_patient("clinic-a", f"R-{i:06}", person, DESK)
            return count / (time.perf_counter() - started)
        finally:
            records.close()


def paired_registrations(backend: str, count: int, other: Path) -> tuple[float, float]:
    """Registrations per second here and in `other`, alternately, median of three each."""
    def one(tree: Path) -> float:
        out = subprocess.run([sys.executable, __file__, "--registrations", str(count),
                              "--backend", backend], env=os.environ | {"BENCH_TREE": str(tree)},
                             cwd=tree, check=True, capture_output=True, text=True).stdout
        return float(out.split()[-1])
    ours, theirs = [], []
    for _ in range(3):
        ours.append(one(ROOT))
        theirs.append(one(other))
    print(f"{backend}: registrations/s here {ours}, there {theirs}", flush=True)
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--backend", choices=sorted(BACKENDS), action="append")
    parser.add_argument("--registrations", type=int, default=0,
                        help="only print this many registrations' rate (one backend)")
    parser.add_argument("--against", type=Path, help="another checkout to pair with")
    args = parser.parse_args()
    backends = args.backend or sorted(BACKENDS)
    if args.registrations:
        print(f"{registration_rate(backends[0], args.registrations):.1f}")
        return
    from bench.figures import Figure, emit
    for backend in backends:
        for case, ours, plain in directory_figures(backend, args.patients, args.runs):
            print(f"{backend}: {case}: p50 {ours:.2f} ms (plaintext LIKE {plain:.2f} ms)")
            emit(Figure("directory", backend, f"{case}, {args.patients:,} patients (p50)",
                        ours, "ms", "plaintext directory, LIKE", plain, "≤ 20 ms",
                        ours <= 20))
        if args.against:
            ours, theirs = paired_registrations(backend, 300, args.against)
            emit(Figure("directory", backend, "registrations", ours, "/s",
                        f"registrations in {args.against.name}", theirs,
                        "within 10% of main", ours >= 0.9 * theirs))


if __name__ == "__main__":
    main()
