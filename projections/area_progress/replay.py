"""A patient's progress as it stood at a past instant: the view's own facts and tally,
over the course events recorded by then, in memory (the tables hold only the present)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from projections.area_progress import tables
from projections.area_progress.facts import FACTS, Entry, Fact
from projections.area_progress.tally import CourseTally
from projections.area_progress.view import record
from projections.audit_trail import AuditTrail
from projections.base import ViewTransaction


class Replayed(NamedTuple):
    """What the view's FACTS read of a change, for an event read back from the store."""

    record_id: str
    stored: Any  # the event itself: it has the originator_version FACTS read
    event: Any


def progress_as_of(tx: ViewTransaction, records: Any, patient_id: str,
                   as_of: datetime) -> list[dict]:
    """Every course × area of the patient as recorded by `as_of` (server time), shaped as
    AreaProgress.for_patient shapes the present."""
    course_ids = dict.fromkeys(row.record_id for row in AuditTrail.entries_of_patient(
        tx, patient_id) if row.record_type == "TreatmentCourse")
    facts: list[Fact] = []
    for course_id in course_ids:
        for event in records.events.get(UUID(course_id)):
            take = FACTS.get(type(event))
            if event.timestamp <= as_of and take is not None:
                facts.append(take(Replayed(course_id, event, event)))
    return tallied(facts)


def tallied(facts: list[Fact]) -> list[dict]:
    """The rows the facts add up to, the same arithmetic the view does a batch at a time."""
    courses: dict[str, dict] = {}
    entries: list[Entry] = []
    voids: list[tuple[str, int]] = []
    for fact in facts:
        record(fact, courses, entries, voids)
    voided = set(voids)
    areas, scores, sides = [], [], []
    for course_id, course in courses.items():
        live = [e for e in entries if e.course_id == course_id
                and (course_id, e.version) not in voided]
        course_areas, course_scores, course_sides = CourseTally.of(course, live).rows(course)
        areas += course_areas
        scores += course_scores
        sides += course_sides
    return tables.shaped(areas, scores, sides)
