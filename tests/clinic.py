"""Builders for clinical entries in tests: realistic defaults, override what the test is about."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.errors import NotFoundError
from domain.formulation import Formula, Ingredient, Vehicle
from domain.patient import Consent
from domain.personal_data import PersonalData
from domain.screening import ScreeningAnswers
from domain.values import Actor, Site
from domain.vocabulary import CONTRAINDICATIONS

CLINICIAN = Actor("u-clin-1", "Dr Maria Rossi", "clinician")
NURSE = Actor("u-nurse-1", "Nurse Tom Baker", "nurse")
RECEPTIONIST = Actor("u-recep-1", "Ana Silva", "receptionist")
THIGHS = Site("thighs.lateral", "bilateral")
LEFT_THIGH = Site("thighs.lateral", "left")
ABDOMEN = Site("abdomen.central", "midline")
PERSON = PersonalData("Genevieve Okonkwo-Hart", date(1985, 3, 14), "female",
                      "genevieve@example.org")


def person_born(birth: date) -> PersonalData:
    return replace(PERSON, date_of_birth=birth)


def answers(*present: str, justification: str | None = None,
            indications: tuple[str, ...] = ("cellulite",),
            allergies: tuple[str, ...] = ()) -> ScreeningAnswers:
    checklist = {code: code in present for code in CONTRAINDICATIONS}
    return ScreeningAnswers(indications, checklist, "III", allergies, justification)


def treatment_consent(signed_at) -> Consent:
    return Consent("treatment", "TC-2026-1", "ab" * 32, signed_at)


def plan(*sites: Site, sessions: int = 6, indication: str = "cellulite") -> CoursePlan:
    return CoursePlan(indication, sites or (THIGHS,), sessions, 14)


def ingredient(substance: str = "caffeine", lot: str = "CAF-001", expiry: date | None = None,
               amount: str = "100", category: str = "other") -> Ingredient:
    return Ingredient(substance, category, Decimal(amount), "mg", f"{substance} 2%", lot,
                      expiry or date(2030, 1, 31))


def formula(*ingredients: Ingredient, base: str = "aqueous") -> Formula:
    chosen = ingredients or (ingredient(), ingredient("l-carnitine", "CAR-002", amount="250",
                                                      category="amino_acid"))
    return Formula(chosen, Vehicle("sodium chloride 0.9%", base), Decimal("5"))


def dose(session: int = 1, site: Site = LEFT_THIGH, *, technique: str = "nappage",
         depth: str = "3", volume: str = "2", formulation_version: int = 1,
         lots: tuple[str, ...] = ("CAF-001",), supervisor: str | None = None,
         interval_override: str | None = None) -> Dose:
    return Dose(session, site, technique, Decimal(depth), 30, Decimal("4"), 20,
                Decimal(volume), formulation_version, lots, supervisor, interval_override)


def outcome(score: str = "9", kind: str = "baseline", session: int = 0,
            site: Site = THIGHS, scale: str = "hexsel_csss") -> Outcome:
    return Outcome(site, scale, Decimal(score), kind, session)


def adverse_event(onset, *, serious: bool = False, kind: str = "bruising",
                  lots: tuple[str, ...] = ()) -> AdverseEventReport:
    return AdverseEventReport(LEFT_THIGH, kind, "severe" if serious else "mild", serious,
                              onset, "cold compress", lots)


class Clinic:
    """A clinic's day in a test: the steps before the one under test, done right."""

    def __init__(self, records, clock) -> None:
        self.records = records
        self.clock = clock

    def patient(self, person: PersonalData = PERSON, mrn: str = "MRN-0001",
                clinic: str = "clinic-a"):
        return self.records.register_patient(clinic, mrn, person, RECEPTIONIST).id

    def screened_patient(self, *present: str, **options):
        patient_id = self.patient()
        self.records.give_consent(patient_id, treatment_consent(self.clock()), RECEPTIONIST)
        self.records.screen(patient_id, answers(*present, **options), CLINICIAN)
        return patient_id

    def course(self, *sites: Site, sessions: int = 6, patient_id=None):
        patient_id = patient_id or self.screened_patient()
        return self.records.plan_course(patient_id, plan(*sites, sessions=sessions),
                                        CLINICIAN).id

    def formulated_course(self, *sites: Site, sessions: int = 6):
        course_id = self.course(*sites, sessions=sessions)
        self.records.formulate(course_id, formula(), CLINICIAN)
        return course_id

    def log_position(self) -> int:
        return self.records.recorder.max_notification_id() or 0

    @contextmanager
    def refuses(self, error: type[Exception]):
        """The command raises `error` and the log does not move: nothing was recorded."""
        before = self.log_position()
        with pytest.raises(error) as raised:
            yield raised
        assert self.log_position() == before, "a refused command recorded something"


def supervising_clinician(records, clinic: str = "clinic-a") -> str:
    """The staff id of an active clinician account of the clinic (a nurse names it as her
    supervisor); one account per clinic and store."""
    email = f"supervisor@{clinic}.example.org"
    try:
        return str(records.staff_by_email(email).id)
    except NotFoundError:
        return str(records.register_staff(clinic, CLINICIAN.name, email, ["clinician"],
                                          CLINICIAN).id)


def days(n: int) -> timedelta:
    return timedelta(days=n)
