"""The outcomes view: what the registry needs, a batch at a time. It keeps entries as they
came (voided ones marked), and for each course a batch changed (a score, a mix, a void of
either, a new screening of its patient), each course area's improvement by session anew
(registry.points_of), with the groups it counts in; only the points that differ are
written, and the tally (tally.py) moves by them, so the registry reads groups, not points.
A batch whose voids hit no score or mix (injections) recomputes nothing."""

from __future__ import annotations

from projections.base import Change, ViewTransaction, write_all
from projections.outcomes import tables, tally
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
from projections.outcomes.registry import AGE_BANDS, points_of


class Outcomes:
    """Per indication × area × scale: scores, the mixes given, and who the patients are
    (age band, skin type), for the outcomes registry."""

    name = "outcomes"
    tables = tables.TABLES

    def create(self, tx: ViewTransaction) -> None:
        for statement in tables.DDL:
            tx.execute(statement)
        if tables.kept_by_an_earlier_version(tx):  # no tally: replay the view from the start
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
        of_kind: dict[type, list] = {kind: [] for kind in (
            Screened, Course, Mix, Score, Void, Defined)}
        for fact in facts:
            of_kind[type(fact)].append(fact)
        latest = {s.patient_id: s for s in of_kind[Screened]}  # the last screening counts
        write_all(tx, {
            tables.PATIENT: list(latest.values()),
            tables.COURSE: of_kind[Course],
            tables.MIX: [(*m, 0) for m in of_kind[Mix]],
            tables.SCORE: [(*s, 0) for s in of_kind[Score]],
            tables.PROTOCOL: of_kind[Defined],
        })
        changed = tables.void(tx, [tuple(v) for v in of_kind[Void]])
        changed |= {s.course_id for s in of_kind[Score]} | {m.course_id for m in of_kind[Mix]}
        if latest:
            changed |= tables.courses_of(tx, list(latest))
        if changed:
            courses = sorted(changed)
            before = set(tables.points(tx, courses))
            after = set(points_of(tables.course_scores(tx, courses),
                                  tables.course_groups(tx, courses, AGE_BANDS)))
            gone, new = sorted(before - after), sorted(after - before)  # the rest stays
            tables.forget_points(tx, gone)
            write_all(tx, {tables.POINT: new})
            tally.move(tx, gone, new)
