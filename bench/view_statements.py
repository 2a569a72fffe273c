"""How a view's statements are cheapest on PostgreSQL: the choices infra/views.py makes.

    .venv/bin/python bench/view_statements.py [--repeat R]

Through infra/views.py's own transactions, R times each (mean wall time, and the ratio):
- new rows: n rows of nine columns (outcome_scores' shape: a two-column text key) as one
  multi-row INSERT and as COPY, for several n (it chose POSTGRES_VALUES);
- keys: an UPDATE … RETURNING of n random (course, version) keys of 80,000 rows, the keys as
  OR'd conditions (what SQLite needs) and as a row value in a VALUES list (`keys_in`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, show  # noqa: E402
from bench.stores import postgres_url  # noqa: E402
from infra import views  # noqa: E402
from infra.views import ViewDatabase  # noqa: E402

COLUMNS = ("course_id", "version", "area", "laterality", "scale", "kind", "session", "score",
           "voided")
TABLE = ("CREATE TABLE scores (course_id TEXT NOT NULL, version INTEGER NOT NULL,"
         " area TEXT NOT NULL, laterality TEXT NOT NULL, scale TEXT NOT NULL,"
         " kind TEXT NOT NULL, session INTEGER NOT NULL, score TEXT NOT NULL,"
         " voided INTEGER NOT NULL, PRIMARY KEY (course_id, version))")
SIZES = (1, 5, 20, 50, 100, 300)
KEY_COUNTS = (10, 50, 100, 150, 300)
COURSES, VERSIONS = 2000, 40


def batch(first: int, n: int) -> list[tuple]:
    return [(f"course-{first + i:08d}", first + i, "thighs.lateral", "bilateral",
             "hexsel_csss", "follow_up", i % 20, "3", 0) for i in range(n)]


def fresh_table(db: ViewDatabase) -> None:
    with db.transaction() as tx:
        tx.execute("DROP TABLE IF EXISTS scores")
        tx.execute(TABLE)


def mean_ms(db: ViewDatabase, n: int, values_limit: int, repeat: int) -> float:
    """Mean wall time of writing n rows, with INSERT up to `values_limit` values."""
    fresh_table(db)
    views.POSTGRES_VALUES, kept = values_limit, views.POSTGRES_VALUES
    try:
        spent = 0.0
        for i in range(repeat):
            rows = batch(i * n, n)
            with db.transaction() as tx:
                started = time.perf_counter()
                tx.insert("scores", COLUMNS, rows)
                spent += time.perf_counter() - started
    finally:
        views.POSTGRES_VALUES = kept
    return spent / repeat * 1000


def keys_ms(db: ViewDatabase, n: int, or_ed: bool, repeat: int) -> float:
    """Mean wall time of voiding n random keys, as OR'd conditions or (keys_in) a VALUES list."""
    columns = ("course_id", "version")
    spent = 0.0
    for _ in range(repeat):
        keys = [(f"course-{random.randrange(COURSES):08d}", random.randrange(VERSIONS))
                for _ in range(n)]
        with db.transaction() as tx:
            where = (f"(({') OR ('.join(['course_id = ? AND version = ?'] * n)}))" if or_ed
                     else tx.keys_in(columns, n))
            started = time.perf_counter()
            tx.rows(f"UPDATE scores SET voided = 1 WHERE voided = 0 AND {where} RETURNING score",
                    [value for key in keys for value in key])
            spent += time.perf_counter() - started
            tx.execute("UPDATE scores SET voided = 0 WHERE voided = 1")
    return spent / repeat * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with postgres_url() as url:
        db = ViewDatabase(url, pool_size=1)
        try:
            for n in SIZES:
                by_insert = mean_ms(db, n, n * len(COLUMNS), args.repeat)
                by_copy = mean_ms(db, n, 0, args.repeat)
                show(Figure("view_statements", "postgres", f"{n} rows by COPY", by_copy, "ms",
                            "one INSERT", by_insert), "(mean)")
            fresh_table(db)
            with db.transaction() as tx:
                tx.insert("scores", COLUMNS, [(f"course-{c:08d}", v, "thighs.lateral",
                                               "bilateral", "hexsel_csss", "follow_up", 1, "3",
                                               0) for c in range(COURSES)
                                              for v in range(VERSIONS)])
                tx.execute("ANALYZE scores")
            for n in KEY_COUNTS:
                by_values = keys_ms(db, n, or_ed=False, repeat=args.repeat)
                by_or = keys_ms(db, n, or_ed=True, repeat=args.repeat)
                show(Figure("view_statements", "postgres", f"{n} keys in VALUES", by_values,
                            "ms", "OR'd conditions", by_or), "(mean)")
        finally:
            db.close()


if __name__ == "__main__":
    main()
