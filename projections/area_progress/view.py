"""The area_progress view: course facts in, area rows out, a batch at a time.

Course events become stored state (`progress_courses`) and entries (`progress_entries`);
after each batch the area rows of every course the batch touched are written anew, once per
course, from its tally of live entries (tally.py does the arithmetic). The tally takes a
batch's entries on at its end when it can; voids, a changed plan, a new mix or a backdated
entry have it counted again from the first entry. The entries stored before the batch are
read once, or not at all when this runner stored the course last (see Remembered); the
batch's own are taken from memory, not read back. Voided entries drop out of every figure.
"""

from __future__ import annotations

from typing import NamedTuple

from eventsourcing.application import LRUCache

from projections.area_progress import tables
from projections.area_progress.facts import (
    FACTS,
    Entry,
    Fact,
    Plan,
    PlanChange,
    StatusChange,
    Void,
)
from projections.area_progress.tally import CourseTally
from projections.base import Change, ViewTransaction

Live = tuple[list[Entry], CourseTally | None]
"""A course's live entries, and their tally if it is known."""


class Remembered(NamedTuple):
    """A course's live entries, and their tally, once its version `last_version` was
    applied. They stand while the course's stored document names the same last version:
    after a batch that rolled back, or events applied by another runner, it names another,
    and the entries are read again. A rebuild in this process forgets them all."""

    last_version: int
    entries: list[Entry]
    tally: CourseTally


class AreaProgress:
    """Per patient × course × area: sessions done / planned, volume and points, the mix in
    use and its ratio, last session and next due date, baseline / latest score per scale with
    direction-aware improvement, adverse events and the course's status."""

    name = "area_progress"
    tables = tuple(tables.TABLES)
    courses_remembered = 500  # the courses being treated now; a few MB

    def __init__(self) -> None:
        self._remembered: LRUCache[str, Remembered] = LRUCache(self.courses_remembered)

    def create(self, tx: ViewTransaction) -> None:
        self._remembered = LRUCache(self.courses_remembered)  # a rebuild starts afresh
        tables.create(tx)

    @staticmethod
    def facts(change: Change) -> Fact | None:
        """What the event contributes, by FACTS (None: nothing)."""
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list[Fact]) -> None:
        last_version = {fact.course_id: fact.version for fact in facts}
        planned_now = {fact.course_id for fact in facts if type(fact) is Plan}
        courses = tables.load_courses(tx, [course_id for course_id in sorted(last_version)
                                           if course_id not in planned_now])
        live = self._live_entries(tx, courses)
        entries: list[Entry] = []
        voids: list[tuple[str, int]] = []
        for fact in facts:
            record(fact, courses, entries, voids)
        for course_id, course in courses.items():
            course["last_version"] = last_version[course_id]
        tables.save_courses(tx, courses)
        tables.add_entries(tx, entries, voids)
        for course_id, (course_entries, tally) in _recompute(tx, courses, live, entries,
                                                             set(voids)).items():
            self._remembered.put(course_id, Remembered(last_version[course_id],
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
            if remembered is not None and remembered.last_version == course.get(
                    "last_version"):
                live[course_id] = (list(remembered.entries), remembered.tally)
            else:
                unknown.append(course_id)
        return live | {course_id: (entries, None) for course_id, entries
                       in tables.read_live_entries(tx, unknown).items()}

    # --- queries ------------------------------------------------------------------------

    @staticmethod
    def for_patient(tx: ViewTransaction, patient_id: str) -> list[dict]:
        """Every course × area of a patient, courses in planned order, areas by code, each
        with its scores per scale."""
        return tables.areas_where(tx, "patient_id", str(patient_id))

    @staticmethod
    def entries_of(tx: ViewTransaction, course_ids: list[str]) -> dict[str, list]:
        """The live (not voided) injections and outcomes of these courses, per course, as
        the view stores them: what per-session progress charts are drawn from."""
        return tables.read_live_entries(tx, [str(course_id) for course_id in course_ids])

    @staticmethod
    def for_course(tx: ViewTransaction, course_id: str) -> list[dict]:
        """Every area of one course, by code, each with its scores per scale."""
        return tables.areas_where(tx, "course_id", str(course_id))


def record(fact: Fact, courses: dict, entries: list, voids: list) -> None:
    """Fold one course fact into the batch's course state, new entries and voids."""
    match fact:
        case Entry():  # the most of them
            entries.append(fact)
        case Plan(course_id, _, course):
            courses[course_id] = dict(course)
        case PlanChange(course_id, _, plan):
            courses[course_id] |= plan
        case StatusChange(course_id, _, status):
            courses[course_id]["status"] = status
        case Void(course_id, _, entry_version):
            voids.append((course_id, entry_version))


def _recompute(tx: ViewTransaction, courses: dict[str, dict], live: dict[str, Live],
               new: list[Entry], voided: set[tuple[str, int]]) -> dict[str, Live]:
    """Rewrite the area rows of each course from its entries, less the voided ones; return
    each course's live entries and their tally. A tally already made takes the batch's new
    entries on at its end when it can; voids, a changed plan or a backdated entry have it
    counted again from the first entry."""
    added: dict[str, list[Entry]] = {}
    for entry in new:
        added.setdefault(entry.course_id, []).append(entry)
    areas, scores, sides, live_now = [], [], [], {}
    voided_in = {course_id for course_id, _ in voided}
    for course_id, course in courses.items():
        before, tally = live.get(course_id, ([], None))
        entries = before + added.get(course_id, [])
        if course_id in voided_in:
            entries, tally = [e for e in entries if (course_id, e.version) not in voided], None
        tally = (tally and tally.extended(course, added.get(course_id, []))
                 or CourseTally.of(course, entries))
        live_now[course_id] = (entries, tally)
        course_areas, course_scores, course_sides = tally.rows(course)
        areas += course_areas
        scores += course_scores
        sides += course_sides
    tables.replace_areas(tx, list(courses), areas, scores, sides)
    return live_now
