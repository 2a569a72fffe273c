"""What the live entries of one course add up to, per area: pure arithmetic, no SQL.

An injection into a left or right side rolls up under a planned bilateral site; an entry
into an area no longer planned keeps its own row (`planned` false), so nothing given is
hidden. The view (view.py) stores the entries and writes the rows made here. Entries
count in clinical order; a tally takes later entries on at its end, so a course being
treated is not added up again from its first entry at every session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from domain.values import Site
from domain.vocabulary import SCALES, CourseStatus
from projections.area_progress.facts import Entry


class AreaKey(NamedTuple):
    area: str
    laterality: str


@dataclass
class Tally:
    """What the live entries of one course say about one area (adverse events without a
    site aside: the course's tally counts those for every area)."""

    planned: bool
    sessions: set[int] = field(default_factory=set)
    volume: Decimal = Decimal(0)
    points: int = 0
    formulation: tuple[int | None, str | None] = (None, None)
    last_on: date | None = None
    baselines: dict[str, Decimal] = field(default_factory=dict)
    latest: dict[str, Decimal] = field(default_factory=dict)
    adverse_events: int = 0
    sides: dict[str, Tally] = field(default_factory=dict)
    """Under a bilateral plan, each side's own tally (a bilateral entry counts for both)."""

    def add(self, entry: Entry, ratios: dict[int, str | None], row: AreaKey) -> None:
        """Count an entry in; entries arrive in clinical order. Scores count only where
        recorded: the row's own side (a bilateral row: entries for both sides at once), and
        under a bilateral plan each side, so baseline and latest come from the same side."""
        self._count(entry, ratios, scored=entry.laterality == row.laterality)
        if row.laterality == "bilateral":
            for side in SIDES.get(entry.laterality, ()):
                self.sides.setdefault(side, Tally(planned=True))._count(entry, ratios, True)

    def _count(self, entry: Entry, ratios: dict[int, str | None], scored: bool) -> None:
        if entry.kind == "outcome" and not scored:
            return
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

    def copy(self) -> Tally:
        return replace(self, sessions=set(self.sessions), baselines=dict(self.baselines),
                       latest=dict(self.latest),
                       sides={side: t.copy() for side, t in self.sides.items()})


SIDES = {"left": ("left",), "right": ("right",), "bilateral": ("left", "right")}
"""The sides of a bilateral area an entry recorded for one side, or for both, counts for."""


@dataclass
class CourseTally:
    """Each area's tally of a course's live entries, counted in clinical order up to `last`
    (the order of the last one counted)."""

    planned: list[AreaKey]
    areas: dict[AreaKey, Tally]
    ratios: dict[int, str | None]
    """Each formulation version's ratio."""
    anywhere: int = 0
    """Adverse events reported without a site: they count for every area."""
    last: tuple[datetime, int] | None = None

    @classmethod
    def of(cls, course: dict, entries: list[Entry]) -> CourseTally:
        """The tally of a course's live entries, counted from the first."""
        planned = [AreaKey(*site) for site in course["areas"]]
        tally = cls(planned, {key: Tally(planned=True) for key in planned},
                    {e.formulation_version: e.ratio for e in entries if e.kind == "formulation"})
        tally._count(sorted(entries, key=_clinical_order))
        return tally

    def extended(self, course: dict, entries: list[Entry]) -> CourseTally | None:
        """This tally with more entries counted (it stays as it was), or None when they
        cannot simply be counted at its end: the planned areas changed, a new mix changes
        the ratios, or an entry comes before the last one counted."""
        ordered = sorted(entries, key=_clinical_order)
        if ([AreaKey(*site) for site in course["areas"]] != self.planned
                or any(entry.kind == "formulation" for entry in entries)
                or (ordered and self.last and _clinical_order(ordered[0]) < self.last)):
            return None
        tally = replace(self, areas={key: t.copy() for key, t in self.areas.items()})
        tally._count(ordered)
        return tally

    def _count(self, ordered: list[Entry]) -> None:
        for entry in ordered:
            if entry.kind == "adverse_event" and entry.area is None:
                self.anywhere += 1
            elif entry.kind != "formulation":
                for key in _rows_for(AreaKey(entry.area, entry.laterality), self.planned):
                    self.areas.setdefault(key, Tally(planned=False)).add(entry, self.ratios,
                                                                          key)
        if ordered:
            self.last = _clinical_order(ordered[-1])

    def rows(self, course: dict) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """The `area_progress`, `area_scores` and `area_sides` rows of the course."""
        areas, scores, sides = [], [], []
        for key, tally in self.areas.items():
            areas.append(_area_row(course, key, tally, tally.adverse_events + self.anywhere))
            scores += [(course["course_id"], *key, scale, *_score(scale, tally))
                       for scale in _scales(tally)]
            sides += [(course["course_id"], *key, side, len(t.sessions), str(t.volume),
                       t.points, json.dumps([[scale, *_score(scale, t)] for scale in _scales(t)]))
                      for side, t in sorted(tally.sides.items())]
        return areas, scores, sides


def _scales(tally: Tally) -> list[str]:
    return sorted(tally.baselines.keys() | tally.latest.keys())


def _clinical_order(entry: Entry) -> tuple[datetime, int]:
    return datetime.fromisoformat(entry.occurred_at), entry.version


def _rows_for(site: AreaKey, planned: list[AreaKey]) -> list[AreaKey]:
    """The planned area(s) an entry belongs to: the same site, else one covering it (or
    covered by it: a bilateral adverse event touches planned left and right), else its own."""
    if site in planned:
        return [site]
    return [p for p in planned if Site.covers(p, site) or Site.covers(site, p)] or [site]


def _area_row(course: dict, key: AreaKey, tally: Tally, adverse_events: int) -> tuple:
    sessions, interval = course["sessions_planned"], course["interval_days"]
    due = None
    if (tally.planned and course["status"] == CourseStatus.ACTIVE and tally.last_on
            and len(tally.sessions) < sessions):
        due = (tally.last_on + timedelta(days=interval)).isoformat()
    return (course["course_id"], *key, course["patient_id"], course["clinic"],
            course["indication"], course["planned_at"], int(tally.planned),
            len(tally.sessions), sessions, interval, str(tally.volume), tally.points,
            *tally.formulation, tally.last_on and tally.last_on.isoformat(), due,
            adverse_events, course["status"])


def _score(scale: str, tally: Tally) -> tuple[str | None, str | None, str | None]:
    baseline, latest = tally.baselines.get(scale), tally.latest.get(scale)
    improvement = None if baseline is None or latest is None else \
        SCALES[scale].improvement(baseline, latest)
    return tuple(None if score is None else str(score)  # a score of 0 is a score
                 for score in (baseline, latest, improvement))
