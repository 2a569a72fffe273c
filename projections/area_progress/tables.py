"""area_progress's tables, and every read and write of them.

The course's own state is one JSON document (`progress_courses`), its entries are rows of
`progress_entries`, and the rows readers see are `area_progress` and `area_scores`.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from projections.area_progress.facts import Entry
from projections.base import ViewTransaction, rows_in

TABLES = {  # name → (columns, primary key)
    "progress_courses": ("course_id TEXT NOT NULL, course TEXT NOT NULL", "course_id"),
    "progress_entries": (
        "course_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,"
        " occurred_at TEXT NOT NULL, area TEXT, laterality TEXT, session INTEGER,"
        " volume_ml TEXT, points INTEGER, formulation_version INTEGER, ratio TEXT, scale TEXT,"
        " score TEXT, outcome_kind TEXT, voided INTEGER NOT NULL DEFAULT 0", "course_id, version"),
    "area_progress": (
        "course_id TEXT NOT NULL, area TEXT NOT NULL, laterality TEXT NOT NULL,"
        " patient_id TEXT NOT NULL, clinic TEXT NOT NULL, indication TEXT NOT NULL,"
        " planned_at TEXT NOT NULL, planned INTEGER NOT NULL, sessions_done INTEGER NOT NULL,"
        " sessions_planned INTEGER NOT NULL, interval_days INTEGER NOT NULL,"
        " volume_ml TEXT NOT NULL, points INTEGER NOT NULL, formulation_version INTEGER,"
        " ratio TEXT, last_session_on TEXT, next_due_on TEXT, adverse_events INTEGER NOT NULL,"
        " status TEXT NOT NULL", "course_id, area, laterality"),
    "area_scores": (
        "course_id TEXT NOT NULL, area TEXT NOT NULL, laterality TEXT NOT NULL,"
        " scale TEXT NOT NULL, baseline TEXT, latest TEXT, improvement TEXT",
        "course_id, area, laterality, scale"),
}


def _columns(table: str) -> tuple[str, ...]:
    return tuple(column.split()[0] for column in TABLES[table][0].split(", "))


AREA_COLUMNS, SCORE_COLUMNS = _columns("area_progress"), _columns("area_scores")


def create(tx: ViewTransaction) -> None:
    for table, (columns, key) in TABLES.items():
        tx.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns}, PRIMARY KEY ({key}))")
    tx.execute("CREATE INDEX IF NOT EXISTS area_progress_by_patient"
               " ON area_progress (patient_id, planned_at)")


# --- writes and reads while projecting ----------------------------------------------------


def load_courses(tx: ViewTransaction, ids: list[str]) -> dict[str, dict]:
    """The stored state of each of these courses that was planned."""
    rows = rows_in(tx, "SELECT course_id, course FROM progress_courses WHERE", "course_id", ids)
    return {course_id: json.loads(course) for course_id, course in rows}


def save_courses(tx: ViewTransaction, courses: dict[str, dict]) -> None:
    ids = sorted(courses)
    replace_rows(tx, "progress_courses", ("course_id", "course"), ids,
                 [(course_id, json.dumps(courses[course_id])) for course_id in ids])


def add_entries(tx: ViewTransaction, entries: list[Entry],
                voids: list[tuple[str, int]]) -> None:
    """Store new entries, then mark voided ones (course id, version)."""
    tx.insert("progress_entries", Entry._fields, entries)
    tx.executemany("UPDATE progress_entries SET voided = 1"
                   " WHERE course_id = ? AND version = ?", voids)


def read_live_entries(tx: ViewTransaction, ids: list[str]) -> dict[str, list[Entry]]:
    """The entries of these courses not voided, as stored."""
    live: dict[str, list[Entry]] = {}
    for row in rows_in(tx, f"SELECT {', '.join(Entry._fields)} FROM progress_entries"
                       " WHERE voided = 0 AND", "course_id", ids):
        live.setdefault(row[0], []).append(Entry._make(row))
    return live


def replace_areas(tx: ViewTransaction, ids: list[str], areas: list[tuple],
                  scores: list[tuple]) -> None:
    """Replace the `area_progress` and `area_scores` rows of these courses."""
    replace_rows(tx, "area_scores", SCORE_COLUMNS, ids, scores)
    replace_rows(tx, "area_progress", AREA_COLUMNS, ids, areas)


def replace_rows(tx: ViewTransaction, table: str, columns: tuple, ids: list[str],
                 rows: list[tuple]) -> None:
    """Replace every row of these courses in `table`."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        tx.execute(f"DELETE FROM {table} WHERE course_id IN ({', '.join('?' * len(chunk))})",
                   chunk)
    tx.insert(table, columns, rows)


# --- queries ----------------------------------------------------------------------------


def areas_where(tx: ViewTransaction, column: str, value: str) -> list[dict]:
    """The area rows with this patient or course id, each with its scores per scale."""
    scores: dict[tuple, list[dict]] = {}
    for row in tx.rows(f"SELECT s.{', s.'.join(SCORE_COLUMNS)} FROM area_scores s"
                       " JOIN area_progress p ON p.course_id = s.course_id AND"
                       " p.area = s.area AND p.laterality = s.laterality"
                       f" WHERE p.{column} = ? ORDER BY s.scale", (value,)):
        baseline, latest, improvement = (r and Decimal(r) for r in row[4:])
        scores.setdefault(row[:3], []).append({"scale": row[3], "baseline": baseline,
                                               "latest": latest, "improvement": improvement})
    rows = tx.rows(f"SELECT {', '.join(AREA_COLUMNS)} FROM area_progress WHERE {column} = ?"
                   " ORDER BY planned_at, course_id, area, laterality", (value,))
    return [_shaped(dict(zip(AREA_COLUMNS, row, strict=True)), scores.get(row[:3], []))
            for row in rows]


def _shaped(area: dict, scores: list[dict]) -> dict:
    """Typed values for readers: Decimal volume, dates, a boolean `planned`."""
    day = date.fromisoformat
    return area | {"planned": bool(area["planned"]), "volume_ml": Decimal(area["volume_ml"]),
                   "last_session_on": area["last_session_on"] and day(area["last_session_on"]),
                   "next_due_on": area["next_due_on"] and day(area["next_due_on"]),
                   "scores": scores}
