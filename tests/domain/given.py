"""Aggregates in memory for given/when/then tests: built by their own commands, with the
events that built them already collected, so a test sees only what its command records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from eventsourcing.domain import Aggregate

from domain.course import TreatmentCourse
from domain.entries import CoursePlan
from domain.patient import Patient
from domain.standing import PatientStanding
from domain.values import ClinicPolicy
from tests.clinic import CLINICIAN, RECEPTIONIST, answers, formula, plan, treatment_consent

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
BORN = date(1985, 3, 14)
POLICY = ClinicPolicy()


def settled(aggregate: Aggregate) -> Aggregate:
    """The aggregate with the events that built it collected (as if saved)."""
    aggregate.collect_events()
    return aggregate


def recorded(aggregate: Aggregate) -> list[type]:
    """The event classes a command recorded (collected, so a later call sees only newer)."""
    return [type(e) for e in aggregate.collect_events()]


def patient(*present: str, consented: bool = True, screened: bool = True,
            **options) -> Patient:
    """A registered patient, by default consented to treatment and screened today."""
    someone = Patient.register(uuid4(), "clinic-a", "MRN-0001", "sealed", RECEPTIONIST, NOW)
    if consented:
        someone.give_consent(treatment_consent(NOW), RECEPTIONIST, NOW)
    if screened:
        someone.screen(answers(*present, **options), BORN, CLINICIAN, NOW)
    return settled(someone)


def standing(**changes) -> PatientStanding:
    """An eligible, consented patient's standing (or that patient after `changes`)."""
    someone = patient()
    for allergen in changes.get("allergies", ()):
        someone.record_allergy(allergen, "rash", CLINICIAN, NOW)
    for condition in changes.get("conditions", ()):
        someone.record_condition(condition, "", CLINICIAN, NOW)
    if changes.get("withdrawn"):
        someone.withdraw_consent("treatment", "patient asked", RECEPTIONIST, NOW)
    return someone.standing()


def course(*, the_plan: CoursePlan | None = None, formulated: bool = True) -> TreatmentCourse:
    """A course planned for an eligible patient and, by default, its first mix recorded."""
    treated = standing()
    planned = TreatmentCourse.plan_for(uuid4(), treated.patient_id, "clinic-a",
                                       the_plan or plan(), treated, POLICY, CLINICIAN, NOW)
    if formulated:
        planned.formulate(formula(), treated, CLINICIAN, NOW)
    return settled(planned)
