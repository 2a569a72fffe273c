"""The rules a treatment course enforces, each a named check raising a named refusal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from domain.errors import RuleViolation
from domain.patient import PatientStanding, normalise_substance
from domain.values import CLOCK_SKEW, Actor, Site, require_member
from domain.vocabulary import TECHNIQUES, CourseStatus

if TYPE_CHECKING:
    from domain.entries import AdverseEventReport, CoursePlan, Dose
    from domain.formulation import Formula

ACTIVE, SUSPENDED, COMPLETED, DISCONTINUED = CourseStatus  # until the course uses the enum

TRANSITIONS = {  # action → (statuses it may start from, the event method it records)
    "suspend": ((ACTIVE,), "_suspended"),
    "resume": ((SUSPENDED,), "_resumed"),
    "complete": ((ACTIVE, SUSPENDED), "_completed"),
    "discontinue": ((ACTIVE, SUSPENDED), "_discontinued"),
}


class CourseNotActiveError(RuleViolation):
    """Treatment can only be given or prepared while the course is active."""

    rule = "course_not_active"


class CourseClosedError(RuleViolation):
    """A completed or discontinued course cannot be changed."""

    rule = "course_closed"


class CourseStatusTransitionError(RuleViolation):
    """The course cannot move to that status from its current one."""

    rule = "course_status_transition"


class IndicationNotScreenedError(RuleViolation):
    """A course is planned only for an indication assessed at the latest screening."""

    rule = "indication_not_screened"


class IndicationChangedError(RuleViolation):
    """A plan amendment keeps the course's indication; plan a new course instead."""

    rule = "indication_changed"


class SessionsBelowDoneError(RuleViolation):
    """The planned session count cannot go below the sessions already given."""

    rule = "sessions_below_done"


class AreaNotPlannedError(RuleViolation):
    """Only a planned area (and side) can be injected or assessed."""

    rule = "area_not_planned"


class AllergenInFormulationError(RuleViolation):
    """A formulation may not contain a substance the patient is recorded as allergic to."""

    rule = "allergen_in_formulation"


class LotExpiredError(RuleViolation):
    """A lot past its expiry date cannot be formulated or injected."""

    rule = "lot_expired"


class LotNotInFormulationError(RuleViolation):
    """The lots used in an injection must come from the formulation injected."""

    rule = "lot_not_in_formulation"


class NonAqueousVehicleError(RuleViolation):
    """Mesotherapy mixes use an aqueous vehicle; alcohol- or oil-based ones are refused."""

    rule = "non_aqueous_vehicle"


class FormulationMissingError(RuleViolation):
    """An injection names a formulation version recorded in this course and not voided."""

    rule = "formulation_missing"


class DepthOutOfRangeError(RuleViolation):
    """The injection depth must lie within the technique's range and the needle's length."""

    rule = "depth_out_of_range"


class VolumeLimitExceededError(RuleViolation):
    """The total volume into one area in one session is capped by the clinic's limit."""

    rule = "volume_limit_exceeded"


class SessionCountExceededError(RuleViolation):
    """No session beyond the planned session count."""

    rule = "session_count_exceeded"


class SessionOutOfSequenceError(RuleViolation):
    """Sessions are numbered in order: the next one follows the last one given."""

    rule = "session_out_of_sequence"


class SupervisionRequiredError(RuleViolation):
    """A nurse's injection names the supervising clinician."""

    rule = "supervision_required"


class OnsetInFutureError(RuleViolation):
    """An adverse event cannot start in the future."""

    rule = "onset_in_future"


class EntryNotVoidableError(RuleViolation):
    """Only a formulation, injection, outcome or adverse event of this course can be voided."""

    rule = "entry_not_voidable"


class AlreadyVoidedError(RuleViolation):
    """An entry is voided once."""

    rule = "already_voided"


class FormulationInUseError(RuleViolation):
    """A formulation used by a live injection cannot be voided; void the injections first."""

    rule = "formulation_in_use"


class CourseRules:
    """Checks mixed into TreatmentCourse; they read state and raise, never change it."""

    status: str
    plan: CoursePlan
    formulas: dict[str, Formula]
    live_injections: list
    live_entries: dict[str, str]
    voided: list[int]
    sessions_done: int
    volume_given: Callable[[int, Site], Decimal]

    def _require_active(self) -> None:
        if self.status != ACTIVE:
            raise CourseNotActiveError(f"the course is {self.status}")

    def _require_open(self) -> None:
        if self.status in (COMPLETED, DISCONTINUED):
            raise CourseClosedError(f"the course is {self.status}")

    def _require_transition(self, action: str) -> str:
        require_member("action", action, TRANSITIONS)  # not an action at all: malformed, 422
        allowed_from, method = TRANSITIONS[action]
        if self.status not in allowed_from:
            raise CourseStatusTransitionError(f"cannot {action} a course that is {self.status}")
        return method

    @staticmethod
    def _require_indication_screened(indication: str, standing: PatientStanding) -> None:
        assert standing.screening is not None
        if indication not in standing.screening.answers.indications:
            raise IndicationNotScreenedError(f"{indication} was not assessed at screening")

    def _require_same_indication(self, plan: CoursePlan) -> None:
        if plan.indication != self.plan.indication:
            raise IndicationChangedError(f"the course treats {self.plan.indication}")

    def _require_sessions_not_below_done(self, plan: CoursePlan) -> None:
        if plan.sessions < self.sessions_done:
            raise SessionsBelowDoneError(f"{self.sessions_done} sessions were already given")

    def _require_planned(self, site: Site) -> None:
        if not any(planned.covers(site) for planned in self.plan.sites):
            raise AreaNotPlannedError(f"{site} is not in the plan")

    @staticmethod
    def _require_no_allergen(formula: Formula, allergies: tuple[str, ...]) -> None:
        for ingredient in formula.ingredients:
            if normalise_substance(ingredient.substance) in allergies:
                raise AllergenInFormulationError(
                    f"the patient is allergic to {ingredient.substance}")

    @staticmethod
    def _require_unexpired(lots: Iterable[str], expiries: dict[str, date], on: date) -> None:
        for lot in lots:
            if lot not in expiries:
                raise LotNotInFormulationError(f"lot {lot} is not in the formulation")
            if expiries[lot] < on:
                raise LotExpiredError(f"lot {lot} expired on {expiries[lot]}")

    @staticmethod
    def _require_aqueous(formula: Formula) -> None:
        if formula.vehicle.base != "aqueous":
            raise NonAqueousVehicleError(f"the vehicle is {formula.vehicle.base}-based")

    def _require_formulation(self, version: int) -> Formula:
        if str(version) not in self.formulas:
            raise FormulationMissingError(f"no live formulation version {version}")
        return self.formulas[str(version)]

    @staticmethod
    def _require_depth_in_range(dose: Dose) -> None:
        depth_range = TECHNIQUES[dose.technique]
        if not depth_range.admits(dose.depth_mm):
            raise DepthOutOfRangeError(
                f"{dose.technique} is injected at {depth_range}, not {dose.depth_mm} mm")
        if dose.depth_mm > dose.needle_length_mm:
            raise DepthOutOfRangeError(
                f"a {dose.needle_length_mm} mm needle cannot reach {dose.depth_mm} mm")

    def _require_volume_within_limit(self, dose: Dose, limit_ml: Decimal) -> None:
        given = self.volume_given(dose.session, dose.site)
        if given + dose.volume_ml > limit_ml:
            raise VolumeLimitExceededError(
                f"{given} mL already given into {dose.site} in session {dose.session}; "
                f"{dose.volume_ml} mL more exceeds the {limit_ml} mL limit")

    def _require_session_in_plan(self, session: int) -> None:
        self._require_session_within_plan(session)
        if session > self.sessions_done + 1:
            raise SessionOutOfSequenceError(
                f"session {session} cannot follow session {self.sessions_done}")

    def _require_session_within_plan(self, session: int) -> None:
        if session > self.plan.sessions:
            raise SessionCountExceededError(f"the plan has {self.plan.sessions} sessions")

    @staticmethod
    def _require_supervision(dose: Dose, actor: Actor) -> None:
        if actor.role == "nurse" and not dose.supervisor:
            raise SupervisionRequiredError("a nurse's injection names the supervising clinician")

    @staticmethod
    def _require_onset_not_in_future(report: AdverseEventReport, at: datetime) -> None:
        if report.onset > at + CLOCK_SKEW:
            raise OnsetInFutureError("the onset is after the report")

    def _require_voidable(self, entry_version: int) -> None:
        if entry_version in self.voided:
            raise AlreadyVoidedError(f"entry {entry_version} is already voided")
        kind = self.live_entries.get(str(entry_version))
        if kind is None:
            raise EntryNotVoidableError(f"version {entry_version} is not a voidable entry")
        number = kind.removeprefix("formulation:")
        if kind != number and any(int(number) == i.formulation_version
                                  for i in self.live_injections):
            raise FormulationInUseError(f"live injections use formulation {number}")
