"""What the outcomes registry takes from each event: which event classes, and what each
contributes (FACTS)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from domain.course import TreatmentCourse
from domain.patient import Patient
from domain.protocol import Protocol
from projections.base import Change

RATIO_BANDS = (Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20), Decimal(50))
"""A mix's ratio of actives, each relative to the smallest, falls in these bands."""


class Screened(NamedTuple):
    """A patient's age and skin type at a screening (the latest one counts)."""

    patient_id: str
    age_years: int
    skin_type: str


class Course(NamedTuple):
    course_id: str
    patient_id: str
    clinic: str
    indication: str


class Mix(NamedTuple):
    """A version of a course's mix: its protocol (if any) and its ratio band."""

    course_id: str
    version: int
    formulation_version: int
    protocol_id: str | None
    ratio_band: str


class Score(NamedTuple):
    course_id: str
    version: int
    area: str
    laterality: str
    scale: str
    kind: str
    session: int
    score: str


class Void(NamedTuple):
    course_id: str
    version: int


class Defined(NamedTuple):
    """A clinic's protocol, by name."""

    protocol_id: str
    clinic: str
    name: str


Fact = Screened | Course | Mix | Score | Void | Defined


def ratio_band(ratio: tuple[tuple[str, Decimal], ...]) -> str:
    """`caffeine 1 : l-carnitine 2–5`: each active's share relative to the smallest, banded."""
    if not ratio:
        return "no actives by mass"
    return " : ".join(f"{name} {_band(share)}" for name, share in sorted(ratio))


def _band(share: Decimal) -> str:
    if share == 1:
        return "1"
    for low, high in zip(RATIO_BANDS, RATIO_BANDS[1:], strict=False):
        if share < high:
            return f"{low}–{high}"
    return f"≥{RATIO_BANDS[-1]}"


def _screened(change: Change) -> Screened:
    screening = change.event.screening
    return Screened(change.record_id, screening.age_years,
                    screening.answers.fitzpatrick_type)


def _planned(change: Change) -> Course:
    event = change.event
    return Course(change.record_id, str(event.patient_id), event.clinic, event.plan.indication)


def _formulated(change: Change) -> Mix:
    event = change.event
    protocol = event.formula.protocol_id
    return Mix(change.record_id, event.originator_version, event.formulation_version,
               None if protocol is None else str(protocol), ratio_band(event.formula.ratio))


def _assessed(change: Change) -> Score:
    outcome = change.event.outcome
    return Score(change.record_id, change.event.originator_version, outcome.site.area,
                 outcome.site.laterality, outcome.scale, outcome.kind, outcome.session,
                 str(outcome.score))


def _voided(change: Change) -> Void:
    return Void(change.record_id, change.event.entry_version)


def _defined(change: Change) -> Defined:
    return Defined(change.record_id, change.event.clinic, change.event.name)


FACTS: dict[type, Callable[[Change], Fact]] = {
    Patient.Screened: _screened,
    TreatmentCourse.Planned: _planned,
    TreatmentCourse.Formulated: _formulated,
    TreatmentCourse.OutcomeAssessed: _assessed,
    TreatmentCourse.EntryVoided: _voided,
    Protocol.Defined: _defined,
}
"""Which events this view takes, and what each contributes."""
