"""The outcomes view: what the registry needs, a batch at a time. It keeps entries as they
came (voided ones marked), and moves the tally (tally.py) by what a batch changes of each
course area's improvement by session: for each course it changed (a score, a mix, a void of
either, a new screening of its patient) the points before and after are worked out from the
course's live scores and mixes, remembered across batches (courses.py) or read, so the
registry reads groups, not points. A batch whose voids hit no score or mix (injections)
changes no point.
"""

from __future__ import annotations

from projections.base import Change, ViewTransaction, write_all
from projections.outcomes import tables, tally
from projections.outcomes.courses import CourseState, Known
from projections.outcomes.facts import (
    FACTS,
    Course,
    Defined,
    Fact,
    Mix,
    Score,
    Screened,
    Void,
)
from projections.outcomes.registry import points_of


class Outcomes:
    """Per indication × area × scale: scores, the mixes given, and who the patients are
    (age band, skin type), for the outcomes registry."""

    name = "outcomes"
    tables = tables.TABLES

    def __init__(self) -> None:
        self._known = Known()

    def create(self, tx: ViewTransaction) -> None:
        self._known.forget()  # a rebuild starts afresh
        for statement in tables.DDL:
            tx.execute(statement)
        if tables.kept_by_an_earlier_version(tx):  # replay the view from the start
            for table in self.tables:
                tx.execute(f"DROP TABLE {table}")
            tx.execute("DELETE FROM projection_positions WHERE name = ?", (self.name,))
            for statement in tables.DDL:
                tx.execute(statement)
        tables.mark_shape(tx)

    @staticmethod
    def facts(change: Change) -> Fact | None:
        """What the event contributes, by FACTS (None: nothing)."""
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list[Fact]) -> None:
        known = self._known
        known.begin(tx, len(facts))
        of_kind: dict[type, list] = {kind: [] for kind in (
            Screened, Course, Mix, Score, Void, Defined)}
        for fact in facts:
            of_kind[type(fact)].append(fact)
        latest = {s.patient_id: s for s in of_kind[Screened]}  # the last screening counts
        touched = {f.course_id for kind in (Mix, Score, Void) for f in of_kind[kind]}
        if latest:
            touched |= tables.courses_of(tx, list(latest))
        planned = {c.course_id: CourseState(*c[1:]) for c in of_kind[Course]}
        courses = known.courses(tx, touched - planned.keys())  # as they were before the batch
        known.patients(tx, {c.patient_id for c in courses.values()}  # for points before
                       | ({c.patient_id for c in planned.values()} - latest.keys()))
        before = {course_id: self._points(tx, course_id, course)
                  for course_id, course in courses.items()}

        courses |= planned
        for protocol in of_kind[Defined]:
            known.protocol_defined(tx, *protocol)
        for screening in latest.values():
            known.screened(*screening)
        voided = _take(courses, of_kind[Mix], of_kind[Score], of_kind[Void])
        write_all(tx, {
            tables.PATIENT: list(latest.values()),
            tables.COURSE: of_kind[Course],
            tables.MIX: [(*m, 0) for m in of_kind[Mix]],
            tables.SCORE: [(*s, 0) for s in of_kind[Score]],
            tables.PROTOCOL: of_kind[Defined],
        })
        for table, entries in voided.items():
            tables.void(tx, table, entries)
        gone, new = set(), set()
        for course_id, course in courses.items():
            was, now = set(before.get(course_id, ())), set(self._points(tx, course_id, course))
            gone |= was - now
            new |= now - was
        tally.move(tx, sorted(gone), sorted(new))
        known.keep(courses)

    def _points(self, tx: ViewTransaction, course_id: str, course: CourseState) -> list[tuple]:
        """The course's points (registry.points_of), as its live scores and mixes and its
        patient give them."""
        if not course.scores:
            return []
        return points_of(course.score_rows(course_id),
                         {course_id: self._known.groups(tx, course)})


def _take(courses: dict[str, CourseState], mixes: list[Mix], scores: list[Score],
          voids: list[Void]) -> dict[str, list[tuple[str, int]]]:
    """Add the batch's mixes and scores to their courses and take the voided ones out (an
    entry is voided after it was recorded); the voided entries, by the table they are in.
    Entries of a course never planned count nowhere."""
    for entries, table in ((mixes, "mixes"), (scores, "scores")):
        for entry in entries:
            if (course := courses.get(entry.course_id)) is not None:
                getattr(course, table)[entry.version] = entry
    voided: dict[str, list[tuple[str, int]]] = {"outcome_mixes": [], "outcome_scores": []}
    for course_id, version in voids:
        if (course := courses.get(course_id)) is None:
            continue
        for table, entries in (("outcome_mixes", course.mixes),
                               ("outcome_scores", course.scores)):
            if entries.pop(version, None) is not None:
                voided[table].append((course_id, version))
    return voided
