"""area_progress: per patient × course × area, what was given and how the area responded.

Course events become stored state (`progress_courses`) and entries (`progress_entries`);
after each batch the area rows of every course the batch touched are written anew, once per
course, from its tally of live entries (area_tally.py does the arithmetic). The tally takes a
batch's entries on at its end when it can; voids, a changed plan, a new mix or a backdated
entry have it counted again from the first entry. The entries stored before the batch are
read once, or not at all when this runner stored the course last (see Remembered); the
batch's own are taken from memory, not read back. Voided entries drop out of every figure.
"""

from __future__ import annotations

import json
from datetime import UTC, date
from decimal import Decimal
from typing import Any, NamedTuple

from eventsourcing.application import LRUCache

from domain.course_rules import ACTIVE
from projections.area_tally import CourseTally, Entry
from projections.base import Change, ViewTransaction, rows_in

COURSE_TOPIC = "mesoledger.TreatmentCourse."
STATUSES = {"Suspended": "suspended", "Resumed": ACTIVE, "Completed": "completed",
            "Discontinued": "discontinued"}
TABLES = {  # name → (columns, primary key); the course's own state is one JSON document
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


Live = tuple[list[Entry], CourseTally | None]
"""A course's live entries, and their tally if it is known."""
CourseFact = tuple[int, str, str, Any]
"""(position, course id, kind, what): the course planned (its state), its plan amended, its
status changed, an entry voided (the entry's version), or an entry (None for an event that
is none of these)."""


class Remembered(NamedTuple):
    """A course's live entries, and their tally, once its event at `last_position` was
    applied. They stand while the course's stored document names the same last position:
    after a batch that rolled back, or events applied by another runner, it names another,
    and the entries are read again. A rebuild in this process forgets them all."""

    last_position: int
    entries: list[Entry]
    tally: CourseTally


def _entry(change: Change) -> Entry | None:
    event, kind = change.event, change.event_type
    base = (change.record_id, change.stored.originator_version)
    at = event.occurred_at.isoformat()
    if kind == "Formulated":
        ratio = " : ".join(f"{name} {value}" for name, value in event.formula.ratio)
        return Entry(*base, "formulation", at, formulation_version=event.formulation_version,
                     ratio=ratio or None)
    if kind == "Injected":
        d = event.dose
        return Entry(*base, "injection", at, d.site.area, d.site.laterality, d.session,
                     str(d.volume_ml), d.points, d.formulation_version)
    if kind == "OutcomeAssessed":
        o = event.outcome
        return Entry(*base, "outcome", at, o.site.area, o.site.laterality, o.session,
                     scale=o.scale, score=str(o.score), outcome_kind=o.kind)
    if kind == "AdverseEventReported":
        site = event.report.site
        return Entry(*base, "adverse_event", at, site and site.area, site and site.laterality)
    return None


class AreaProgress:
    """Per patient × course × area: sessions done / planned, volume and points, the mix in
    use and its ratio, last session and next due date, baseline / latest score per scale with
    direction-aware improvement, adverse events and the course's status."""

    name = "area_progress"
    tables = tuple(TABLES)
    courses_remembered = 500  # the courses being treated now; a few MB

    def __init__(self) -> None:
        self._remembered: LRUCache[str, Remembered] = LRUCache(self.courses_remembered)

    def create(self, tx: ViewTransaction) -> None:
        self._remembered = LRUCache(self.courses_remembered)  # a rebuild starts afresh
        for table, (columns, key) in TABLES.items():
            tx.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns}, PRIMARY KEY ({key}))")
        tx.execute("CREATE INDEX IF NOT EXISTS area_progress_by_patient"
                   " ON area_progress (patient_id, planned_at)")

    @staticmethod
    def facts(change: Change) -> CourseFact | None:
        """What a course event does to the course's state or its entries."""
        if not change.stored.topic.startswith(COURSE_TOPIC):
            return None
        event, kind = change.event, change.event_type
        if kind == "Planned":
            what = "planned", {
                "course_id": change.record_id, "patient_id": str(event.patient_id),
                "clinic": event.clinic, "indication": event.plan.indication,
                "planned_at": event.occurred_at.astimezone(UTC).isoformat(),
                "status": ACTIVE, **_plan(event.plan)}
        elif kind == "PlanAmended":
            what = "amended", _plan(event.plan)
        elif kind in STATUSES:
            what = "status", STATUSES[kind]
        elif kind == "EntryVoided":
            what = "void", event.entry_version
        else:
            entry = _entry(change)  # sent as a plain tuple: it pickles in a third of the time
            what = "entry", entry and tuple(entry)
        return change.position, change.record_id, *what

    def apply(self, tx: ViewTransaction, facts: list[CourseFact]) -> None:
        last_position = {course_id: position for position, course_id, _, _ in facts}
        touched = sorted(last_position)
        planned_now = {course_id for _, course_id, kind, _ in facts if kind == "planned"}
        courses = _load_courses(tx, [i for i in touched if i not in planned_now])
        live = self._live_entries(tx, courses)
        entries: list[Entry] = []
        voids: list[tuple[str, int]] = []
        for _, course_id, kind, what in facts:
            _record(course_id, kind, what, courses, entries, voids)
        for course_id, course in courses.items():
            course["last_position"] = last_position[course_id]
        _replace(tx, "progress_courses", ("course_id", "course"), touched,
                 [(course_id, json.dumps(courses[course_id])) for course_id in touched])
        tx.insert("progress_entries", Entry._fields, entries)
        tx.executemany("UPDATE progress_entries SET voided = 1"
                       " WHERE course_id = ? AND version = ?", voids)
        for course_id, (course_entries, tally) in _recompute(tx, courses, live, entries,
                                                             set(voids)).items():
            self._remembered.put(course_id, Remembered(last_position[course_id],
                                                       course_entries, tally))

    def _live_entries(self, tx: ViewTransaction, courses: dict[str, dict]) -> dict[str, Live]:
        """The entries of these courses not voided before this batch, with their tally:
        remembered if the course is stored as this runner last left it, else read (and not
        yet tallied)."""
        live, unknown = {}, []
        for course_id, course in courses.items():
            try:
                remembered = self._remembered.get(course_id)
            except KeyError:
                remembered = None
            if remembered is not None and remembered.last_position == course.get(
                    "last_position"):
                live[course_id] = (list(remembered.entries), remembered.tally)
            else:
                unknown.append(course_id)
        return live | {course_id: (entries, None)
                       for course_id, entries in _read_live_entries(tx, unknown).items()}

    # --- queries ------------------------------------------------------------------------

    @staticmethod
    def for_patient(tx: ViewTransaction, patient_id: str) -> list[dict]:
        """Every course × area of a patient, courses in planned order, areas by code, each
        with its scores per scale."""
        return _read(tx, "patient_id", str(patient_id))

    @staticmethod
    def for_course(tx: ViewTransaction, course_id: str) -> list[dict]:
        """Every area of one course, by code, each with its scores per scale."""
        return _read(tx, "course_id", str(course_id))


def _record(course_id: str, kind: str, what, courses: dict, entries: list,
            voids: list) -> None:
    """Fold one course fact into the batch's course state, new entries and voids."""
    if kind == "planned":
        courses[course_id] = dict(what)
    elif kind == "amended":
        courses[course_id] |= what
    elif kind == "status":
        courses[course_id]["status"] = what
    elif kind == "void":
        voids.append((course_id, what))
    elif what is not None:
        entries.append(Entry._make(what))


def _plan(plan) -> dict:
    return {"sessions_planned": plan.sessions, "interval_days": plan.interval_days,
            "areas": [[site.area, site.laterality] for site in plan.sites]}


def _load_courses(tx: ViewTransaction, ids: list[str]) -> dict[str, dict]:
    rows = rows_in(tx, "SELECT course_id, course FROM progress_courses WHERE", "course_id", ids)
    return {course_id: json.loads(course) for course_id, course in rows}


def _read_live_entries(tx: ViewTransaction, ids: list[str]) -> dict[str, list[Entry]]:
    """The entries of these courses not voided before this batch, as stored."""
    live: dict[str, list[Entry]] = {}
    for row in rows_in(tx, f"SELECT {', '.join(Entry._fields)} FROM progress_entries"
                       " WHERE voided = 0 AND", "course_id", ids):
        live.setdefault(row[0], []).append(Entry._make(row))
    return live


def _recompute(tx: ViewTransaction, courses: dict[str, dict], live: dict[str, Live],
               new: list[Entry], voided: set[tuple[str, int]]) -> dict[str, Live]:
    """Rewrite the area rows of each course from its entries, less the voided ones; return
    each course's live entries and their tally. A tally already made takes the batch's new
    entries on at its end when it can; voids, a changed plan or a backdated entry have it
    counted again from the first entry."""
    added: dict[str, list[Entry]] = {}
    for entry in new:
        added.setdefault(entry.course_id, []).append(entry)
    areas, scores, live_now = [], [], {}
    voided_in = {course_id for course_id, _ in voided}
    for course_id, course in courses.items():
        before, tally = live.get(course_id, ([], None))
        entries = before + added.get(course_id, [])
        if course_id in voided_in:
            entries, tally = [e for e in entries if (course_id, e.version) not in voided], None
        tally = (tally and tally.extended(course, added.get(course_id, []))
                 or CourseTally.of(course, entries))
        live_now[course_id] = (entries, tally)
        course_areas, course_scores = tally.rows(course)
        areas += course_areas
        scores += course_scores
    _replace(tx, "area_scores", SCORE_COLUMNS, list(courses), scores)
    _replace(tx, "area_progress", AREA_COLUMNS, list(courses), areas)
    return live_now


def _replace(tx: ViewTransaction, table: str, columns: tuple, ids: list[str],
             rows: list[tuple]) -> None:
    """Replace every row of these courses in `table`."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        tx.execute(f"DELETE FROM {table} WHERE course_id IN ({', '.join('?' * len(chunk))})",
                   chunk)
    tx.insert(table, columns, rows)


def _read(tx: ViewTransaction, column: str, value: str) -> list[dict]:
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
