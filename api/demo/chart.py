"""One demo patient's chart: each step records through a ClinicalRecords use case and
yields the line the command line prints. Steps that return a value are used with
`value = yield from chart.step(...)`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from api.demo.recipes import dose, mix, screening, signed_consent
from domain.application import ClinicalRecords
from domain.entries import AdverseEventReport, CoursePlan, Outcome
from domain.errors import RuleViolation
from domain.personal_data import PersonalData
from domain.values import Actor, Site
from domain.vocabulary import INDICATIONS, SCALES

Step = Generator[str, None, None]
STATUS_DONE = {"suspend": "suspended", "resume": "resumed", "complete": "completed",
               "discontinue": "discontinued"}


@dataclass(frozen=True)
class Staff:
    clinician: Actor
    nurse: Actor
    receptionist: Actor


@dataclass(frozen=True)
class Story:
    """One demo patient: who they are, at which clinic, and what happens to them."""

    clinic: str
    mrn: str
    person: PersonalData
    staff: Staff
    unfold: Callable[[Chart], Iterator[str]]


class AppointmentClock:
    """What the records' clock reads while the demo records: the appointment being charted."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Chart:
    def __init__(self, records: ClinicalRecords, story: Story, now: datetime, hour: int):
        self.records, self.story, self.staff = records, story, story.staff
        self.now, self.hour = now, hour
        self.minutes: defaultdict[int, int] = defaultdict(int)
        self.patient_id: UUID | None = None
        self.course_id: UUID | None = None
        self.lots: tuple[str, ...] = ()
        self.consents: dict[str, int] = {}  # scope → the version of its consent entry

    def at(self, days_ago: int) -> datetime:
        """The patient's appointment that day; each step a few minutes after the last."""
        assert days_ago >= 1, "the demo records the past only"
        day = (self.now - timedelta(days=days_ago)).replace(hour=self.hour, minute=0,
                                                            second=0, microsecond=0)
        self.minutes[days_ago] += 4
        at = day + timedelta(minutes=self.minutes[days_ago])
        if isinstance(self.records.clock, AppointmentClock):
            self.records.clock.now = at  # recorded at the appointment, not late
        return at

    def _said(self, at: datetime, actor: Actor, text: str) -> str:
        return f"{self.story.clinic} {self.story.mrn}  {at:%Y-%m-%d %H:%M}  {text}  [{actor.name}]"

    def attempt(self, what: str, step: Step) -> Step:
        """A step the clinic's rules may refuse: a refusal records nothing and is told."""
        try:
            yield from step
        except RuleViolation as refusal:
            yield (f"{self.story.clinic} {self.story.mrn}  {what} refused "
                   f"({refusal.rule}): {refusal.detail}")

    # --- the patient --------------------------------------------------------------------

    def register(self, days_ago: int, *scopes: str) -> Step:
        """The front desk registers the patient and records the consents they signed."""
        at, desk, person = self.at(days_ago), self.staff.receptionist, self.story.person
        self.patient_id = self.records.register_patient(self.story.clinic, self.story.mrn,
                                                        person, desk, at).id
        yield self._said(at, desk, f"registered {person.name}, born {person.date_of_birth}")
        for scope in ("treatment", *scopes):
            consent = signed_consent(scope, self.story.mrn, self.at(days_ago))
            self.consents[scope] = self.records.give_consent(
                self.patient_id, consent, desk, consent.signed_at).version
            yield self._said(consent.signed_at, desk,
                             f"{scope} consent signed (form {consent.form_version})")

    def screen(self, days_ago: int, *indications: str, **answers) -> Step:
        at, clinician = self.at(days_ago), self.staff.clinician
        found = self.records.screen(self.patient_id, screening(*indications, **answers),
                                    clinician, at)
        reasons = f" ({'; '.join(found.reasons)})" if found.reasons else ""
        sought = ", ".join(INDICATIONS[code].name.lower() for code in indications)
        yield self._said(at, clinician,
                         f"screened for {sought}: {found.result}{reasons}")

    def void_consent(self, days_ago: int, scope: str, reason: str) -> Step:
        """A consent entered in error is voided (it stays in history, and allows nothing)."""
        at, clinician = self.at(days_ago), self.staff.clinician
        entry = self.consents[scope]
        self.records.void_patient_entry(self.patient_id, entry, reason, clinician, at,
                                        kind="consent")
        yield self._said(at, clinician, f"{scope} consent (entry {entry}) voided: {reason}")

    def record_condition(self, days_ago: int, condition: str, note: str) -> Step:
        at, clinician = self.at(days_ago), self.staff.clinician
        self.records.record_condition(self.patient_id, condition, note, clinician, at)
        yield self._said(at, clinician, f"condition recorded: {condition} ({note})")

    # --- the course ---------------------------------------------------------------------

    def plan(self, days_ago: int, indication: str, sites: tuple[Site, ...], sessions: int,
             interval_days: int) -> Step:
        at, clinician = self.at(days_ago), self.staff.clinician
        plan = CoursePlan(indication, sites, sessions, interval_days)
        self.course_id = self.records.plan_course(self.patient_id, plan, clinician, at).id
        note = self.records.course(self.course_id).efficacy_note
        yield self._said(at, clinician, f"course planned for {INDICATIONS[indication].name}: "
                         f"{sessions} sessions every {interval_days} days into "
                         f"{', '.join(map(str, sites))}" + (f". {note}" if note else ""))

    def formulate(self, days_ago: int, parts: tuple, total_ml: str) -> Step:
        at, clinician = self.at(days_ago), self.staff.clinician
        formula = mix(parts, total_ml, self.now.date())
        self.records.formulate(self.course_id, formula, clinician, at)
        self.lots = tuple(formula.lots)
        ratio = " : ".join(f"{name} {share.normalize():f}" for name, share in formula.ratio)
        yield self._said(at, clinician, f"mix formulated, {total_ml} mL in {formula.vehicle.name}"
                         f" (actives {ratio}; lots {', '.join(self.lots)})")

    def inject(self, days_ago: int, session: int, site: Site, technique: str, volume_ml: str,
               points: int, by: Actor, depth: str | None = None
               ) -> Generator[str, None, int]:
        """One injection; a nurse's names the clinician supervising. Returns its entry."""
        at = self.at(days_ago)
        supervisor = self.staff.clinician if by.role == "nurse" else None
        given = dose(session, site, technique, volume_ml, points, self.lots,
                     supervisor and supervisor.id, depth)
        entry = self.records.inject(self.course_id, given, by, at).version
        who = f", supervised by {supervisor.name}" if supervisor else ""
        yield self._said(at, by, f"session {session}: {volume_ml} mL into {site}, {technique} "
                         f"{given.depth_mm} mm, {points} points{who}")
        return entry

    def assess(self, days_ago: int, site: Site, scale: str, score: str, session: int = 0
               ) -> Step:
        at, clinician = self.at(days_ago), self.staff.clinician
        kind = "baseline" if session == 0 else "follow_up"
        outcome = Outcome(site, scale, Decimal(score), kind, session)
        self.records.assess_outcome(self.course_id, outcome, clinician, at)
        when = "baseline" if session == 0 else f"after session {session}"
        yield self._said(at, clinician, f"{SCALES[scale].name} {when}: {score} on {site}")

    def report(self, days_ago: int, report: AdverseEventReport, by: Actor) -> Step:
        at = self.at(days_ago)
        self.records.report_adverse_event(self.course_id, report, by, at)
        yield self._said(at, by, f"adverse event: {report.severity} {report.kind} on "
                         f"{report.site}, onset {report.onset:%Y-%m-%d %H:%M}; "
                         f"{report.action_taken}")

    def sign(self, days_ago: int, entry: int, meaning: str, by: Actor) -> Step:
        """An entry of the course signed (the demo loads as the records' owner: the API asks
        each signer's password again, the loader does not)."""
        at = self.at(days_ago)
        self.records.sign_entry(self.course_id, entry, meaning, by)
        yield self._said(at, by, f"entry {entry} of the course signed ({meaning})")

    def void(self, days_ago: int, entry: int, reason: str) -> Step:
        at, clinician = self.at(days_ago), self.staff.clinician
        self.records.void_entry(self.course_id, entry, reason, clinician, at)
        yield self._said(at, clinician, f"entry {entry} voided: {reason}")

    def change_status(self, days_ago: int, action: str, reason: str) -> Step:
        at, clinician = self.at(days_ago), self.staff.clinician
        self.records.change_course_status(self.course_id, action, reason, clinician, at)
        yield self._said(at, clinician, f"course {STATUS_DONE[action]}: {reason}")
