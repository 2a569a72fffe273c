"""The outcomes registry's arithmetic: direction-aware improvement from baseline per treated
area, grouped by sessions done, by mix (protocol or ratio band), by age band and by skin type;
per group the number of patients and course areas, the median, the interquartile range and a
95% bootstrap interval of the median (computed exactly, not by drawing resamples: the same
data always gives the same interval).

A course area is one course's area and side on one scale. Its baseline is its latest live
baseline; at each session its latest live follow-up counts; its mix is the course's latest
live mix. Voided entries count nowhere.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.vocabulary import SCALES
from projections.base import ViewTransaction
from projections.outcomes import tally
from projections.outcomes.spread import Spread, median, quartiles

DIMENSIONS = ("sessions", "mix", "age_band", "skin_type")
AGE_BANDS = ((18, "18–29"), (30, "30–39"), (40, "40–49"), (50, "50–59"), (60, "60+"))
SMALLEST_CELL = 5
"""Groups of fewer patients are suppressed wherever the registry crosses clinics."""
EXACT_UP_TO = 300
"""Groups up to this size get the bootstrap interval's binomial tails summed exactly."""


@dataclass(frozen=True)
class Cell:
    indication: str
    area: str
    scale: str
    by: str
    group: str
    patients: int | None
    course_areas: int | None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False


def registry(tx: ViewTransaction, clinic: str | None, indication: str | None = None,
             area: str | None = None, scale: str | None = None,
             suppress: bool = False) -> list[Cell]:
    """Every group of the registry (in the clinic, if named); with `suppress`, groups of
    fewer than SMALLEST_CELL patients show no figures. Read from the view's tally: a few
    rows per group, however many patients it holds."""
    asked = (clinic, indication, area, scale)
    spreads: dict[tuple, Counter] = defaultdict(Counter)
    for *group, improvement, course_areas in tally.improvements(tx, *asked):
        spreads[tuple(group)][improvement] += course_areas
    patients: Counter = Counter()
    for *group, count in tally.patients(tx, *asked):
        patients[tuple(group)] += count
    cells = [_cell(group, patients[group], Spread(counts), suppress)
             for group, counts in spreads.items()]
    return sorted(cells, key=lambda c: (c.indication, c.area, c.scale,
                                        DIMENSIONS.index(c.by), _order(c.group)))


def points_of(rows: list[tuple], groups: dict[str, tuple[str, str, str]]) -> list[tuple]:
    """What outcome_points holds for these courses' live scores (rows as
    tables.course_scores gives them; `groups` as tables.course_groups): per course area and
    session, the improvement, whether it is the course area's latest, and the groups a
    latest point counts in."""
    found = []
    for key, (patient_id, clinic), points in _course_areas(rows):
        course_id, indication, area, laterality, scale = key
        last = max(session for session, _ in points)
        found += [(course_id, patient_id, clinic, indication, area, laterality, scale, session,
                   float(improvement), int(session == last), *groups[course_id])
                  for session, improvement in points]
    return found


def _course_areas(rows: list[tuple]) -> Iterable[tuple[tuple, tuple[str, str], list]]:
    """Each course area with a baseline: its key, its patient and clinic, and (session,
    improvement) for the latest live follow-up of each session."""
    baselines, follow_ups, whose = {}, defaultdict(dict), {}
    for (course_id, patient_id, clinic, indication, _version, area, laterality, scale, kind,
         session, score) in sorted(rows, key=lambda row: row[4]):
        key = (course_id, indication, area, laterality, scale)
        whose[key] = (patient_id, clinic)
        if kind == "baseline":
            baselines[key] = Decimal(score)
        else:
            follow_ups[key][session] = Decimal(score)
    for key, by_session in follow_ups.items():
        if key in baselines:
            scale = SCALES[key[4]]
            yield key, whose[key], [
                (session, scale.improvement(baselines[key], score))
                for session, score in sorted(by_session.items())]


def _order(group: str) -> tuple:
    return (0, int(group), "") if group.isdigit() else (1, 0, group)


def _cell(key: tuple, patients: int, points: Spread, suppress: bool) -> Cell:
    head = (*key[:4], str(key[4]))
    if suppress and patients < SMALLEST_CELL:
        return Cell(*head, None, None, suppressed=True)
    q1, q3 = quartiles(points)
    low, high = bootstrap_interval(points)
    return Cell(*head, patients, len(points), _round(median(points)), _round(q1),
                _round(q3), _round(low), _round(high))


def bootstrap_interval(points: Sequence[float]) -> tuple[float, float]:
    """The 95% percentile interval of the median under the ideal bootstrap (every possible
    resample, weighted by its probability), computed exactly rather than by drawing
    resamples, so it is the same every time and costs no more for a large group.

    A resample's k-th smallest value is the sorted data's j-th or below exactly when at least
    k of its n draws fall among the j+1 smallest: a binomial tail. The interval runs between
    the data values where that probability passes 2.5% and 97.5%. For an even n the lower
    bound uses the lower middle value and the upper bound the upper one (slightly wide)."""
    n = len(points)
    lower_middle, upper_middle = (n + 1) // 2, n // 2 + 1
    return (points[_order_statistic_quantile(n, lower_middle, 0.025)],
            points[_order_statistic_quantile(n, upper_middle, 0.975)])


@functools.lru_cache(maxsize=8192)
def _order_statistic_quantile(n: int, k: int, alpha: float) -> int:
    """The smallest index j such that a resample's k-th smallest is points[j] or below with
    probability at least alpha (depends on n and k only, so it is kept)."""
    low, high = 0, n - 1
    while low < high:
        middle = (low + high) // 2
        if _at_least(n, k, (middle + 1) / n) >= alpha:
            high = middle
        else:
            low = middle + 1
    return low


def _at_least(n: int, k: int, p: float) -> float:
    """P(Binomial(n, p) >= k): summed exactly for small n, else its normal approximation
    (with continuity correction)."""
    if p >= 1:
        return 1.0
    if n <= EXACT_UP_TO:
        return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1))
    z = (k - 0.5 - n * p) / math.sqrt(n * p * (1 - p))
    return 0.5 * math.erfc(z / math.sqrt(2))


def _round(value: float) -> float:
    return round(value, 2)
