"""The rules a treatment course enforces, each a named check raising a named refusal, and
the status changes they allow."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.clinical_time import CLOCK_SKEW
from domain.course_refusals import (
    AllergenInFormulationError,
    AreaNotPlannedError,
    CourseClosedError,
    CourseNotActiveError,
    CourseStatusTransitionError,
    DepthOutOfRangeError,
    FormulationInUseError,
    IndicationChangedError,
    LotExpiredError,
    LotNotInFormulationError,
    NonAqueousVehicleError,
    OnsetInFutureError,
    SessionCountExceededError,
    SessionOutOfSequenceError,
    SessionsBelowDoneError,
    SupervisionRequiredError,
    SuspectNotAnInjectionError,
    VolumeLimitExceededError,
)
from domain.course_state import EntryKind, GivenDose, LiveEntry
from domain.substances import allergen_in
from domain.values import Actor, Site
from domain.vocabulary import TECHNIQUES, CourseStatus

if TYPE_CHECKING:
    from domain.entries import AdverseEventReport, CoursePlan, Dose
    from domain.formulation import Formula

OPEN = frozenset({CourseStatus.ACTIVE, CourseStatus.SUSPENDED})
STATUS_CHANGES: dict[str, tuple[str, frozenset[CourseStatus]]] = {
    "complete": ("Completed", OPEN),
    "discontinue": ("Discontinued", OPEN),
    "resume": ("Resumed", frozenset({CourseStatus.SUSPENDED})),
    "suspend": ("Suspended", frozenset({CourseStatus.ACTIVE})),
}
"""What a clinician may do to a course's status: the entry it records, and from which
statuses."""
STATUS_AFTER = {"Completed": CourseStatus.COMPLETED, "Discontinued": CourseStatus.DISCONTINUED,
                "Resumed": CourseStatus.ACTIVE, "Suspended": CourseStatus.SUSPENDED}
"""The status each status entry leaves the course in."""


class StatusChanged(Aggregate.Event):
    """A course suspended, resumed, completed or discontinued, with a reason; the course
    declares the four as subclasses (of its own subclass of this), with their topics."""

    reason: str
    actor: Actor
    occurred_at: datetime
    late_entry_reason: str | None = None

    def apply(self, course: Any) -> None:  # evolve: the status it names
        course.status = STATUS_AFTER[type(self).__name__]


class CourseRules:
    """Checks mixed into TreatmentCourse; they read state and raise, never change it."""

    status: CourseStatus
    plan: CoursePlan
    given: list[GivenDose]
    sessions_done: int
    volume_given: Callable[[int, Site], Decimal]
    formula: Callable[[int], Formula | None]
    live_entry: Callable[[int], LiveEntry | None]

    def _require_active(self) -> None:
        if self.status is not CourseStatus.ACTIVE:
            raise CourseNotActiveError(f"the course is {self.status}")

    def _require_open(self) -> None:
        if not self.status.is_open:
            raise CourseClosedError(f"the course is {self.status}")

    def _require_status_change(self, action: str) -> str:
        """The status entry an action records, if the course may take it now."""
        entry, allowed_from = STATUS_CHANGES[action]
        if self.status not in allowed_from:
            raise CourseStatusTransitionError(f"cannot {action} a course that is {self.status}")
        return entry

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
        found = allergen_in(tuple(i.substance for i in formula.ingredients), allergies)
        if found is not None:
            allergy, ingredient = found
            raise AllergenInFormulationError(
                f"the patient is allergic to {allergy}; the mix holds {ingredient}")

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

    def _require_suspects_given(self, report: AdverseEventReport) -> None:
        given = {dose.entry_version for dose in self.given}
        for version in report.suspected_injections:
            if version not in given:
                raise SuspectNotAnInjectionError(f"entry {version} is not a live injection")

    @staticmethod
    def _require_onset_not_in_future(report: AdverseEventReport, at: datetime) -> None:
        if report.onset > at + CLOCK_SKEW:
            raise OnsetInFutureError("the onset is after the report")

    def _require_not_in_use(self, entry_version: int) -> None:
        """A mix live injections use stays until they are voided."""
        match self.live_entry(entry_version):
            case LiveEntry(kind=EntryKind.FORMULATION, formulation_version=number) if any(
                    dose.formulation_version == number for dose in self.given):
                raise FormulationInUseError(f"live injections use formulation {number}")
