"""The refusals of a treatment course: each names a rule, declares its code, and says the
rule in words (the 409 answer's `rule` and the API document's list of rules)."""

from __future__ import annotations

from domain.corrections import (  # noqa: F401  (a course's voids refuse as every void does)
    AlreadyVoidedError,
    EntryNotVoidableError,
)
from domain.errors import RuleViolation


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


class FormulationInUseError(RuleViolation):
    """A formulation used by a live injection cannot be voided; void the injections first."""

    rule = "formulation_in_use"


class SessionTooSoonError(RuleViolation):
    """The next session in an area waits the plan's interval (less the clinic's tolerance)
    after the last one, unless the clinician writes why (interval_override)."""

    rule = "session_too_soon"


class ScaleNotForAreaError(RuleViolation):
    """An outcome scale is scored only on the areas it is made for (DESIGN §1.2)."""

    rule = "scale_not_for_area"


class SuspectNotAnInjectionError(RuleViolation):
    """An adverse event suspects only live injections of its own course (by version)."""

    rule = "suspect_not_an_injection"
