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
    "area_sides": (  # each side of a bilateral area; scores as JSON [scale, baseline, ...]
        "course_id TEXT NOT NULL, area TEXT NOT NULL, laterality TEXT NOT NULL,"
        " side TEXT NOT NULL, sessions_done INTEGER NOT NULL, volume_ml TEXT NOT NULL,"
        " points INTEGER NOT NULL, scores TEXT NOT NULL", "course_id, area, laterality, side"),
}


def _columns(table: str) -> tuple[str, ...]:
    return tuple(column.split()[0] for column in TABLES[table][0].split(", "))


AREA_COLUMNS, SCORE_COLUMNS = _columns("area_progress"), _columns("area_scores")
SIDE_COLUMNS = _columns("area_sides")


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
                  scores: list[tuple], sides: list[tuple]) -> None:
    """Replace the `area_progress`, `area_scores` and `area_sides` rows of these courses."""
    replace_rows(tx, "area_sides", SIDE_COLUMNS, ids, sides)
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
    """The area rows with this patient or course id, each with its scores per scale and,
    for a bilateral area, each side's figures."""
    joined = (" JOIN area_progress p ON p.course_id = s.course_id AND p.area = s.area AND"
              f" p.laterality = s.laterality WHERE p.{column} = ?")
    scores = tx.rows(f"SELECT s.{', s.'.join(SCORE_COLUMNS)} FROM area_scores s{joined}",
                     (value,))
    sides = tx.rows(f"SELECT s.{', s.'.join(SIDE_COLUMNS)} FROM area_sides s{joined}", (value,))
    rows = tx.rows(f"SELECT {', '.join(AREA_COLUMNS)} FROM area_progress WHERE {column} = ?",
                   (value,))
    return shaped(rows, scores, sides)


def shaped(areas: list[tuple], scores: list[tuple], sides: list[tuple]) -> list[dict]:
    """Rows as readers get them, courses in planned order and areas by code: typed values
    (Decimal volume, dates, a boolean `planned`), scores per scale and sides nested."""
    by_area: dict[tuple, list[dict]] = {}
    for row in sorted(scores, key=lambda r: r[3]):
        by_area.setdefault(row[:3], []).append(_score(row[3:]))
    side_rows: dict[tuple, list[dict]] = {}
    for course_id, area, laterality, side, sessions, volume, points, side_scores in sorted(
            sides):
        side_rows.setdefault((course_id, area, laterality), []).append({
            "side": side, "sessions_done": sessions, "volume_ml": Decimal(volume),
            "points": points, "scores": [_score(s) for s in json.loads(side_scores)]})
    found = [dict(zip(AREA_COLUMNS, row, strict=True)) for row in areas]
    found.sort(key=lambda a: (a["planned_at"], a["course_id"], a["area"], a["laterality"]))
    return [_shaped(area, by_area.get(key, []), side_rows.get(key, [])) for area in found
            for key in [(area["course_id"], area["area"], area["laterality"])]]


def _score(row) -> dict:
    baseline, latest, improvement = (r and Decimal(r) for r in row[1:])
    return {"scale": row[0], "baseline": baseline, "latest": latest, "improvement": improvement}


def _shaped(area: dict, scores: list[dict], sides: list[dict]) -> dict:
    day = date.fromisoformat
    return area | {"planned": bool(area["planned"]), "volume_ml": Decimal(area["volume_ml"]),
                   "last_session_on": area["last_session_on"] and day(area["last_session_on"]),
                   "next_due_on": area["next_due_on"] and day(area["next_due_on"]),
                   "scores": scores, "sides": sides}
