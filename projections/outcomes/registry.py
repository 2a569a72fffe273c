"""The outcomes registry's arithmetic: direction-aware improvement from baseline per treated
area, grouped by sessions done, by mix (protocol or ratio band), by age band and by skin type;
per group the number of patients and course areas, the median, the interquartile range and a
95% bootstrap interval of the median (seeded: the same data always gives the same interval).

A course area is one course's area and side on one scale. Its baseline is its latest live
baseline; at each session its latest live follow-up counts; its mix is the course's latest
live mix. Voided entries count nowhere.
"""

from __future__ import annotations

import random
import statistics
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.vocabulary import SCALES
from projections.base import ViewTransaction
from projections.outcomes import tables

DIMENSIONS = ("sessions", "mix", "age_band", "skin_type")
AGE_BANDS = ((18, "18–29"), (30, "30–39"), (40, "40–49"), (50, "50–59"), (60, "60+"))
SMALLEST_CELL = 5
"""Groups of fewer patients are suppressed wherever the registry crosses clinics."""
RESAMPLES = 1000
SEED = 20_261_207


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
    fewer than SMALLEST_CELL patients show no figures."""
    rows = tables.scores(tx, clinic, indication, area, scale)
    course_ids = sorted({row[0] for row in rows})
    mixes = {}  # course → its latest live mix (protocol, ratio band)
    for course_id, _number, protocol_id, band in sorted(tables.mixes(tx, course_ids),
                                                       key=lambda row: row[1]):
        mixes[course_id] = (protocol_id, band)
    who = {p: (age, skin) for p, age, skin in tables.patients(
        tx, sorted({row[1] for row in rows}))}
    names = {p["protocol_id"]: p["name"] for p in tables.protocols(tx, clinic)}
    groups: dict[tuple, list[tuple[str, Decimal]]] = defaultdict(list)
    for key, patient_id, points in _course_areas(rows):
        course_id, indication_, area_, laterality, scale_ = key
        last_session, last = max(points)
        for session, improvement in points:
            groups[(indication_, area_, scale_, "sessions", session)].append(
                (patient_id, improvement))
        age, skin = who.get(patient_id, (None, None))
        for by, group in (("mix", _mix(mixes.get(course_id), names)),
                          ("age_band", _age_band(age)), ("skin_type", skin or "unknown")):
            groups[(indication_, area_, scale_, by, group)].append((patient_id, last))
    return [_cell(key, values, suppress) for key, values in sorted(
        groups.items(), key=lambda item: (*item[0][:3], DIMENSIONS.index(item[0][3]),
                                          _order(item[0][4])))]


def _course_areas(rows: list[tuple]) -> Iterable[tuple[tuple, str, list]]:
    """Each course area with a baseline: its key, its patient, and (session, improvement)
    for the latest live follow-up of each session."""
    baselines, follow_ups, patients = {}, defaultdict(dict), {}
    for (course_id, patient_id, _clinic, indication, _version, area, laterality, scale, kind,
         session, score) in sorted(rows, key=lambda row: row[4]):
        key = (course_id, indication, area, laterality, scale)
        patients[key] = patient_id
        if kind == "baseline":
            baselines[key] = Decimal(score)
        else:
            follow_ups[key][session] = Decimal(score)
    for key, by_session in follow_ups.items():
        if key in baselines:
            scale = SCALES[key[4]]
            yield key, patients[key], [
                (session, scale.improvement(baselines[key], score))
                for session, score in sorted(by_session.items())]


def _mix(mix: tuple[str | None, str] | None, names: dict[str, str]) -> str:
    """The course's mix (its latest live one): its protocol, or its ratio band."""
    if mix is None:
        return "no mix on record"
    protocol_id, band = mix
    if protocol_id is not None:
        return f"protocol {names.get(protocol_id, protocol_id)}"
    return f"ratio {band}"


def _age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    return [label for low, label in AGE_BANDS if age >= low][-1]


def _order(group) -> tuple:
    return (0, group, "") if isinstance(group, int) else (1, 0, str(group))


def _cell(key: tuple, values: list[tuple[str, Decimal]], suppress: bool) -> Cell:
    indication, area, scale, by, group = key
    patients = len({patient for patient, _ in values})
    head = (indication, area, scale, by, str(group))
    if suppress and patients < SMALLEST_CELL:
        return Cell(*head, None, None, suppressed=True)
    points = sorted(float(improvement) for _, improvement in values)
    q1, q3 = (statistics.quantiles(points, n=4, method="inclusive")[::2]
              if len(points) > 1 else (points[0], points[0]))
    low, high = bootstrap_interval(points, zlib.crc32(repr(head).encode()))
    return Cell(*head, patients, len(points), _round(statistics.median(points)), _round(q1),
                _round(q3), _round(low), _round(high))


def bootstrap_interval(points: list[float], salt: int) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the medians of RESAMPLES bootstrap samples.

    A bootstrap sample's k-th smallest value is the sorted data at the k-th smallest of n
    uniform draws, which is Beta(k, n-k+1) distributed: so each sample's median is drawn in
    constant time, whatever n is (the next order statistic, for an even n, follows from the
    first the same way)."""
    n = len(points)
    rng = random.Random(SEED ^ salt)
    k = (n + 1) // 2
    medians = []
    for _ in range(RESAMPLES):
        u = rng.betavariate(k, n - k + 1)
        low = points[min(int(u * n), n - 1)]
        if n % 2:
            medians.append(low)
        else:
            v = u + (1 - u) * rng.betavariate(1, n - k)
            medians.append((low + points[min(int(v * n), n - 1)]) / 2)
    medians.sort()
    return medians[int(0.025 * RESAMPLES)], medians[int(0.975 * RESAMPLES) - 1]


def _round(value: float) -> float:
    return round(value, 2)
