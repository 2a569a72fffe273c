"""What area_progress takes from each course event: which event classes, and what each
contributes (FACTS). Every fact names its course and the course's version it came from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import NamedTuple

from domain.course import TreatmentCourse
from domain.vocabulary import CourseStatus
from projections.base import Change


class Plan(NamedTuple):
    """A course planned: its state as `progress_courses` stores it."""

    course_id: str
    version: int
    course: dict


class PlanChange(NamedTuple):
    """A course's plan amended: its sessions, interval and areas now."""

    course_id: str
    version: int
    plan: dict


class StatusChange(NamedTuple):
    """A course suspended, resumed, completed or discontinued."""

    course_id: str
    version: int
    status: CourseStatus


class Void(NamedTuple):
    """An entry of the course voided: it drops out of every figure."""

    course_id: str
    version: int
    entry_version: int


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


Fact = Plan | PlanChange | StatusChange | Void | Entry


def _planned(change: Change) -> Plan:
    event = change.event
    return Plan(change.record_id, change.stored.originator_version, {
        "course_id": change.record_id, "patient_id": str(event.patient_id),
        "clinic": event.clinic, "indication": event.plan.indication,
        "planned_at": event.occurred_at.astimezone(UTC).isoformat(),
        "status": CourseStatus.ACTIVE, **_plan(event.plan)})


def _plan_amended(change: Change) -> PlanChange:
    return PlanChange(change.record_id, change.stored.originator_version,
                      _plan(change.event.plan))


def _plan(plan) -> dict:
    return {"sessions_planned": plan.sessions, "interval_days": plan.interval_days,
            "areas": [[site.area, site.laterality] for site in plan.sites]}


STATUS_AFTER = {TreatmentCourse.Suspended: CourseStatus.SUSPENDED,
                TreatmentCourse.Resumed: CourseStatus.ACTIVE,
                TreatmentCourse.Completed: CourseStatus.COMPLETED,
                TreatmentCourse.Discontinued: CourseStatus.DISCONTINUED}


def _status_changed(change: Change) -> StatusChange:
    return StatusChange(change.record_id, change.stored.originator_version,
                        STATUS_AFTER[type(change.event)])


def _voided(change: Change) -> Void:
    return Void(change.record_id, change.stored.originator_version,
                change.event.entry_version)


def _formulated(change: Change) -> Entry:
    event = change.event
    ratio = " : ".join(f"{name} {value}" for name, value in event.formula.ratio)
    return Entry(change.record_id, change.stored.originator_version, "formulation",
                 event.occurred_at.isoformat(), formulation_version=event.formulation_version,
                 ratio=ratio or None)


def _injected(change: Change) -> Entry:
    event = change.event
    dose = event.dose
    return Entry(change.record_id, change.stored.originator_version, "injection",
                 event.occurred_at.isoformat(), dose.site.area, dose.site.laterality,
                 dose.session, str(dose.volume_ml), dose.points, dose.formulation_version)


def _assessed(change: Change) -> Entry:
    event = change.event
    outcome = event.outcome
    return Entry(change.record_id, change.stored.originator_version, "outcome",
                 event.occurred_at.isoformat(), outcome.site.area, outcome.site.laterality,
                 outcome.session, scale=outcome.scale, score=str(outcome.score),
                 outcome_kind=outcome.kind)


def _adverse_event(change: Change) -> Entry:
    event = change.event
    site = event.report.site
    return Entry(change.record_id, change.stored.originator_version, "adverse_event",
                 event.occurred_at.isoformat(), site and site.area, site and site.laterality)


FACTS: dict[type, Callable[[Change], Fact]] = {
    TreatmentCourse.Planned: _planned,
    TreatmentCourse.PlanAmended: _plan_amended,
    **dict.fromkeys(STATUS_AFTER, _status_changed),
    TreatmentCourse.EntryVoided: _voided,
    TreatmentCourse.Formulated: _formulated,
    TreatmentCourse.Injected: _injected,
    TreatmentCourse.OutcomeAssessed: _assessed,
    TreatmentCourse.AdverseEventReported: _adverse_event,
}
"""Which events area_progress takes, and what each contributes."""
