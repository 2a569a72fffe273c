"""The outcomes view: what the registry needs, a batch at a time. It keeps entries as they
came (voided ones marked), and for each course a batch changed, each course area's
improvement by session anew (registry.points_of), which the registry then groups: a batch
whose voids hit no score (injections, mixes) recomputes nothing."""

from __future__ import annotations

from projections.base import Change, ViewTransaction, write_all
from projections.outcomes import tables
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

    def create(self, tx: ViewTransaction) -> None:
        for statement in tables.DDL:
            tx.execute(statement)

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
        rescored = tables.void(tx, [tuple(v) for v in of_kind[Void]])
        changed = sorted({s.course_id for s in of_kind[Score]} | rescored)
        if changed:
            tables.forget_points(tx, changed)
            write_all(tx, {tables.POINT: points_of(tables.course_scores(tx, changed))})
