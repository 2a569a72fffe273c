"""area_progress: per patient × course × area, what was given and how the area responded.

Course events become facts (`progress_courses`, `progress_entries`); after each batch the
area rows of every course the batch touched are recomputed from its live facts, once per
course. An injection into a left or right side rolls up under a planned bilateral site;
an entry into an area no longer planned keeps its own row (`planned` false), so nothing
given is hidden. Voided entries drop out of every figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from domain.course_rules import ACTIVE
from domain.values import Site
from domain.vocabulary import SCALES
from projections.base import Change, ViewTransaction

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


class Entry(NamedTuple):
    """One clinical fact of a course, as stored in `progress_entries`."""

    course_id: str
    version: int
    kind: str
    occurred_at: str
    area: str | None = None
    laterality: str | None = None
    session: int | None = None
    volume_ml: str | None = None
    points: int | None = None
    formulation_version: int | None = None
    ratio: str | None = None
    scale: str | None = None
    score: str | None = None
    outcome_kind: str | None = None


class AreaKey(NamedTuple):
    area: str
    laterality: str


def _entry(change: Change) -> Entry | None:
    event, kind = change.event, change.event_type
    base = (str(change.stored.originator_id), change.stored.originator_version)
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


@dataclass
class Tally:
    """What the live entries of one course say about one area."""

    planned: bool
    sessions: set[int] = field(default_factory=set)
    volume: Decimal = Decimal(0)
    points: int = 0
    formulation: tuple[int | None, str | None] = (None, None)
    last_on: date | None = None
    baselines: dict[str, Decimal] = field(default_factory=dict)
    latest: dict[str, Decimal] = field(default_factory=dict)
    adverse_events: int = 0

    def add(self, entry: Entry, ratios: dict[int, str | None]) -> None:
        """Count an entry in; entries arrive in clinical order."""
        if entry.kind == "injection":
            self.sessions.add(entry.session)
            self.volume += Decimal(entry.volume_ml)
            self.points += entry.points
            self.formulation = (entry.formulation_version, ratios.get(entry.formulation_version))
            self.last_on = datetime.fromisoformat(entry.occurred_at).date()
        elif entry.kind == "outcome" and entry.outcome_kind == "baseline":
            self.baselines.setdefault(entry.scale, Decimal(entry.score))
        elif entry.kind == "outcome":
            self.latest[entry.scale] = Decimal(entry.score)
        elif entry.kind == "adverse_event":
            self.adverse_events += 1


class AreaProgress:
    """Per patient × course × area: sessions done / planned, volume and points, the mix in
    use and its ratio, last session and next due date, baseline / latest score per scale with
    direction-aware improvement, adverse events and the course's status."""

    name = "area_progress"
    tables = tuple(TABLES)

    def create(self, tx: ViewTransaction) -> None:
        for table, (columns, key) in TABLES.items():
            tx.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns}, PRIMARY KEY ({key}))")
        tx.execute("CREATE INDEX IF NOT EXISTS area_progress_by_patient"
                   " ON area_progress (patient_id, planned_at)")

    def apply(self, tx: ViewTransaction, changes: list[Change]) -> None:
        mine = [c for c in changes if c.stored.topic.startswith(COURSE_TOPIC)]
        if not mine:
            return
        courses = _load_courses(tx, sorted({str(c.stored.originator_id) for c in mine}))
        entries, voids = [], []
        for change in mine:
            _record(change, courses, entries, voids)
        _replace(tx, "progress_courses", ("course_id", "course"), list(courses),
                 [(course_id, json.dumps(course)) for course_id, course in courses.items()])
        tx.executemany(f"INSERT INTO progress_entries ({', '.join(Entry._fields)})"
                       f" VALUES ({', '.join('?' * len(Entry._fields))})", entries)
        tx.executemany("UPDATE progress_entries SET voided = 1"
                       " WHERE course_id = ? AND version = ?", voids)
        _recompute(tx, courses)

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


def _record(change: Change, courses: dict, entries: list, voids: list) -> None:
    """Fold one course event into the batch's course state, new facts and voids."""
    event, kind, course_id = change.event, change.event_type, str(change.stored.originator_id)
    if kind == "Planned":
        courses[course_id] = {
            "course_id": course_id, "patient_id": str(event.patient_id),
            "clinic": event.clinic, "indication": event.plan.indication,
            "planned_at": event.occurred_at.astimezone(UTC).isoformat(),
            "status": ACTIVE, **_plan(event.plan)}
    elif kind == "PlanAmended":
        courses[course_id] |= _plan(event.plan)
    elif kind in STATUSES:
        courses[course_id]["status"] = STATUSES[kind]
    elif kind == "EntryVoided":
        voids.append((course_id, event.entry_version))
    elif entry := _entry(change):
        entries.append(entry)


def _plan(plan) -> dict:
    return {"sessions_planned": plan.sessions, "interval_days": plan.interval_days,
            "areas": [[site.area, site.laterality] for site in plan.sites]}


def _load_courses(tx: ViewTransaction, ids: list[str]) -> dict[str, dict]:
    rows = _rows_in(tx, "SELECT course_id, course FROM progress_courses WHERE", ids)
    return {course_id: json.loads(course) for course_id, course in rows}


def _recompute(tx: ViewTransaction, courses: dict[str, dict]) -> None:
    """Rewrite the area rows of each course from its live entries."""
    live: dict[str, list[Entry]] = {course_id: [] for course_id in courses}
    for row in _rows_in(tx, f"SELECT {', '.join(Entry._fields)} FROM progress_entries"
                        " WHERE voided = 0 AND", list(courses)):
        live[row[0]].append(Entry._make(row))
    areas, scores = [], []
    for course_id, course in courses.items():
        for key, tally in _tallies(course, live[course_id]).items():
            areas.append(_area_row(course, key, tally))
            scores += [(course_id, *key, scale, *_score(scale, tally))
                       for scale in sorted(tally.baselines.keys() | tally.latest.keys())]
    _replace(tx, "area_scores", SCORE_COLUMNS, list(courses), scores)
    _replace(tx, "area_progress", AREA_COLUMNS, list(courses), areas)


def _tallies(course: dict, entries: list[Entry]) -> dict[AreaKey, Tally]:
    planned = [AreaKey(*site) for site in course["areas"]]
    tallies = {key: Tally(planned=True) for key in planned}
    ratios = {e.formulation_version: e.ratio for e in entries if e.kind == "formulation"}
    anywhere = 0  # adverse events without a site count for every area
    for entry in sorted(entries, key=_clinical_order):
        if entry.kind == "adverse_event" and entry.area is None:
            anywhere += 1
        elif entry.kind != "formulation":
            for key in _rows_for(AreaKey(entry.area, entry.laterality), planned):
                tallies.setdefault(key, Tally(planned=False)).add(entry, ratios)
    for tally in tallies.values():
        tally.adverse_events += anywhere
    return tallies


def _clinical_order(entry: Entry) -> tuple[datetime, int]:
    return datetime.fromisoformat(entry.occurred_at), entry.version


def _rows_for(site: AreaKey, planned: list[AreaKey]) -> list[AreaKey]:
    """The planned area(s) an entry belongs to: the same site, else one covering it (or
    covered by it: a bilateral adverse event touches planned left and right), else its own."""
    if site in planned:
        return [site]
    return [p for p in planned if Site.covers(p, site) or Site.covers(site, p)] or [site]


def _area_row(course: dict, key: AreaKey, tally: Tally) -> tuple:
    sessions, interval = course["sessions_planned"], course["interval_days"]
    due = None
    if (tally.planned and course["status"] == ACTIVE and tally.last_on
            and len(tally.sessions) < sessions):
        due = (tally.last_on + timedelta(days=interval)).isoformat()
    return (course["course_id"], *key, *(course[c] for c in AREA_COLUMNS[3:7]),
            int(tally.planned), len(tally.sessions), sessions, interval, str(tally.volume),
            tally.points, *tally.formulation, tally.last_on and tally.last_on.isoformat(),
            due, tally.adverse_events, course["status"])


def _score(scale: str, tally: Tally) -> tuple[str | None, str | None, str | None]:
    baseline, latest = tally.baselines.get(scale), tally.latest.get(scale)
    improvement = None if baseline is None or latest is None else \
        SCALES[scale].improvement(baseline, latest)
    return tuple(None if score is None else str(score)  # a score of 0 is a score
                 for score in (baseline, latest, improvement))


def _in_chunks(ids: list[str]):
    """Course ids a few hundred at a time, each chunk with its `course_id IN (…)` clause."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        yield f" course_id IN ({', '.join('?' * len(chunk))})", chunk


def _rows_in(tx: ViewTransaction, select_where: str, ids: list[str]) -> list[tuple]:
    return [row for clause, chunk in _in_chunks(ids) for row in tx.rows(select_where + clause,
                                                                        chunk)]


def _replace(tx: ViewTransaction, table: str, columns: tuple, ids: list[str],
             rows: list[tuple]) -> None:
    """Replace every row of these courses in `table`."""
    for clause, chunk in _in_chunks(ids):
        tx.execute(f"DELETE FROM {table} WHERE{clause}", chunk)
    tx.executemany(f"INSERT INTO {table} ({', '.join(columns)})"
                   f" VALUES ({', '.join('?' * len(columns))})", rows)


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
