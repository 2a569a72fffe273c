"""The rules of a treatment course that read clinical time: nothing dated before the plan,
the mix or the first injection it follows, sessions at the plan's interval, and a course
planned only on the patient's standing then (DESIGN §1.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain.clinical_time import (
    BeforeFirstInjectionError,
    BeforeFormulationError,
    BeforePlanError,
    BeforeRegistrationError,
    require_not_before,
)
from domain.course_refusals import (
    FormulationMissingError,
    IndicationNotScreenedError,
    ScaleNotForAreaError,
    SessionTooSoonError,
)
from domain.course_state import DatedEntry, GivenDose, LiveFormulation
from domain.standing import PatientStanding
from domain.values import ClinicPolicy
from domain.vocabulary import AREAS, SCALE_REGIONS

if TYPE_CHECKING:
    from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
    from domain.formulation import Formula


class CourseTiming:
    """Checks mixed into TreatmentCourse; they read state and raise, never change it."""

    plan: CoursePlan
    planned_at: datetime
    given: list[GivenDose]
    given_at: list[DatedEntry]
    live_formulation: Callable[[int], LiveFormulation | None]

    @staticmethod
    def _require_plannable(plan: CoursePlan, standing: PatientStanding, policy: ClinicPolicy,
                           at: datetime) -> None:
        """Registered, screened eligible and current then, for this indication."""
        require_not_before(at, standing.registered_at, BeforeRegistrationError,
                           "the patient's registration")
        standing.require_current_eligible_screening(at, policy.screening_validity_days)
        dated = standing.screening_at(at)
        assert dated is not None
        if plan.indication not in dated.screening.answers.indications:
            raise IndicationNotScreenedError(f"{plan.indication} was not assessed at screening")

    def _require_after_plan(self, at: datetime) -> None:
        require_not_before(at, self.planned_at, BeforePlanError, "the course's plan")

    def _require_formulation(self, version: int, at: datetime) -> Formula:
        """The live mix of that version, made by then."""
        found = self.live_formulation(version)
        if found is None:
            raise FormulationMissingError(f"no live formulation version {version}")
        require_not_before(at, found.formulated_at, BeforeFormulationError,
                           f"formulation {version} was made")
        return found.formula

    def _require_after_first_injection(self, report: AdverseEventReport, at: datetime) -> None:
        first = min((dated.at for dated in self.given_at), default=None)
        if first is None:
            raise BeforeFirstInjectionError("no injection of this course is on record")
        require_not_before(report.onset, first, BeforeFirstInjectionError,
                           "the course's first injection")

    def _require_interval_kept(self, dose: Dose, at: datetime, tolerance: timedelta) -> None:
        """The session after another in an area no sooner than the plan's interval (less the
        clinic's tolerance), unless the clinician writes why."""
        if dose.interval_override:
            return
        earlier_doses = [given for given in self.given if given.session < dose.session
                         and given.site.area == dose.site.area]
        if not earlier_doses:
            return
        times = {dated.entry_version: dated.at for dated in self.given_at}
        earlier = [(given.session, times[given.entry_version]) for given in earlier_doses
                   if given.entry_version in times]
        if not earlier:
            return
        last = max(session for session, _ in earlier)
        began = min(when for session, when in earlier if session == last)
        due = began + timedelta(days=self.plan.interval_days) - tolerance
        if at < due:
            raise SessionTooSoonError(
                f"session {dose.session} in {dose.site.area} on {at.date()}: session {last}"
                f" was on {began.date()} and the plan's interval is {self.plan.interval_days}"
                f" days (due from {due.date()}); write why in interval_override to go ahead")

    @staticmethod
    def _require_scale_fits(outcome: Outcome) -> None:
        regions = SCALE_REGIONS.get(outcome.scale)
        region = AREAS[outcome.site.area].region
        if regions is not None and region not in regions:
            raise ScaleNotForAreaError(
                f"the {outcome.scale} scale does not fit {outcome.site.area}"
                f" (it is for {', '.join(sorted(regions))})")
