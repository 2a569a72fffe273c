"""A store full of realistic clinical history, fast: the benchmarks' fixture.

Patients are registered, consented and screened through ClinicalRecords; their courses
(plan, mix, baseline scores, 8–20 sessions of five injections, follow-ups, the odd adverse
event and voided entry) are driven on TreatmentCourse directly and saved ~SAVE_EVERY events
at a time, so a million real application events take minutes, not hours.
"""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import uuid4

from domain.application import ClinicalRecords
from domain.course import TreatmentCourse
from domain.entries import CoursePlan
from domain.values import Site
from tests.clinic import (
    CLINICIAN,
    NURSE,
    PERSON,
    RECEPTIONIST,
    adverse_event,
    answers,
    dose,
    formula,
    ingredient,
    outcome,
    treatment_consent,
)

SAVE_EVERY = 500
INTERVAL_DAYS = 2
"""Sessions are charted a second apart; a plan's interval less the clinic's tolerance (2 days
by default) must not exceed that, or the course refuses the next session as too soon."""
COURSES_PER_PATIENT = 4

THIGHS = Site("thighs.lateral", "bilateral")
FLANKS = Site("flanks.lateral", "bilateral")
ABDOMEN = Site("abdomen.central", "midline")
PLAN = CoursePlan("cellulite", (THIGHS, ABDOMEN, FLANKS), 20, INTERVAL_DAYS)
INJECTED = (Site("thighs.lateral", "left"), Site("thighs.lateral", "right"), ABDOMEN,
            Site("flanks.lateral", "left"), Site("flanks.lateral", "right"))


class Filler:
    """Drives TreatmentCourse aggregates directly; one save per ~SAVE_EVERY events."""

    def __init__(self, records: ClinicalRecords, seed: int = 7, mrn_prefix: str = "MRN") -> None:
        self.records = records
        self.mrn_prefix = mrn_prefix
        self.random = random.Random(seed)
        self.at = records.clock()
        self.pending: list[TreatmentCourse] = []
        self.pending_events = 0
        self.patients: list = []
        self.courses_made = 0
        self.course_entries: dict = {}  # patient → entries in their courses so far

    def tick(self):
        self.at += timedelta(seconds=1)
        return self.at

    def log_position(self) -> int:
        return self.records.recorder.max_notification_id() or 0

    def fill(self, target: int) -> int:
        """Add courses until the log holds at least `target` events; return its size."""
        while self.log_position() + self.pending_events < target:
            self.course(self.patient())
        self.flush()
        return self.log_position()

    def patient(self):
        """A new patient every COURSES_PER_PATIENT courses (registered through the app)."""
        if self.courses_made < len(self.patients) * COURSES_PER_PATIENT:
            return self.patients[-1]
        self.patients.append(self.admit(f"{self.mrn_prefix}-{len(self.patients):06d}"))
        return self.patients[-1]

    def admit(self, mrn: str):
        """Register, consent and screen one patient; return their id."""
        records = self.records
        patient_id = records.register_patient("clinic-a", mrn, PERSON, RECEPTIONIST).id
        records.give_consent(patient_id, treatment_consent(records.clock()), RECEPTIONIST)
        records.screen(patient_id, answers(), CLINICIAN)
        return patient_id

    def treat_until(self, patient_id, entries: int) -> int:
        """Courses for one patient until their history holds at least `entries` entries
        (their own record's and their courses'); return how many it holds."""
        held = self.records.patient(patient_id).version
        while held + self.course_entries.get(patient_id, 0) < entries:
            self.course(patient_id)
        self.flush()
        return held + self.course_entries.get(patient_id, 0)

    def course(self, patient_id) -> None:
        records, rnd, at = self.records, self.random, self.tick
        self.courses_made += 1
        standing = records.patient(patient_id).standing()
        batch = self.courses_made % 40
        lots = (f"CAF-{batch:03d}", f"CAR-{batch:03d}")
        course = TreatmentCourse.plan_for(uuid4(), patient_id, "clinic-a", PLAN,
                                          standing, records.policy, CLINICIAN, at())
        course.formulate(formula(ingredient(lot=lots[0]),
                                 ingredient("l-carnitine", lots[1], amount="250",
                                            category="amino_acid")),
                         standing, CLINICIAN, at())
        for site in (THIGHS, ABDOMEN, FLANKS):
            course.assess_outcome(outcome(str(rnd.randint(6, 12)), site=site), CLINICIAN, at())
        voidable: list[int] = []
        sessions = rnd.randint(8, 20)
        for _ in range(sessions):
            session = course.sessions_done + 1
            for site in INJECTED:
                actor = NURSE if rnd.random() < 0.3 else CLINICIAN
                course.inject(dose(session, site, volume=str(rnd.choice((1, 2, 3))),
                                   lots=(rnd.choice(lots),),
                                   supervisor="u-clin-1" if actor is NURSE else None),
                              standing, records.policy, actor, at())
                voidable.append(course.version)
            if session % 4 == 0:
                for site in (THIGHS, ABDOMEN, FLANKS):
                    course.assess_outcome(outcome(str(rnd.randint(3, 10)), "follow_up",
                                                  session, site), CLINICIAN, at())
                    voidable.append(course.version)
            if rnd.random() < 0.1:
                report = adverse_event(self.at,  # noticed after the session's injections
                                       kind=rnd.choice(("bruising", "erythema", "pain")),
                                       lots=(lots[0],))
                course.report_adverse_event(report, CLINICIAN, at())
            if rnd.random() < 0.15 and voidable:
                version = voidable.pop(rnd.randrange(len(voidable)))
                course.void(version, "entered in error", CLINICIAN, at())
        self.pending.append(course)
        self.pending_events += len(course.pending_events)
        self.course_entries[patient_id] = (self.course_entries.get(patient_id, 0)
                                           + len(course.pending_events))
        if self.pending_events >= SAVE_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.records.save(*self.pending)
        self.pending, self.pending_events = [], 0
