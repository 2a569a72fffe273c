"""From how many rows a view's new rows are cheaper by COPY than by one INSERT (PostgreSQL).

    .venv/bin/python bench/copy_or_insert.py [--repeat R]

Writes R batches of n rows of nine columns (the shape of outcome_scores: two-column text key)
through infra/views.py's own transaction, once as one multi-row INSERT and once as COPY, for
several n; prints the mean wall time of each and their ratio. It chose POSTGRES_VALUES.
"""

from __future__ import annotations

import argparse
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


def batch(first: int, n: int) -> list[tuple]:
    return [(f"course-{first + i:08d}", first + i, "thighs.lateral", "bilateral",
             "hexsel_csss", "follow_up", i % 20, "3", 0) for i in range(n)]


def mean_ms(db: ViewDatabase, n: int, values_limit: int, repeat: int) -> float:
    """Mean wall time of writing n rows, with INSERT up to `values_limit` values."""
    with db.transaction() as tx:
        tx.execute("DROP TABLE IF EXISTS scores")
        tx.execute(TABLE)
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
                show(Figure("copy_or_insert", "postgres", f"{n} rows by COPY", by_copy, "ms",
                            "one INSERT", by_insert), "(mean)")
        finally:
            db.close()


if __name__ == "__main__":
    main()
