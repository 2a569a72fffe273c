"""The TreatmentCourse in memory: given its entries, when a command, then what it records or
the rule that refuses it (and nothing recorded). No database; milliseconds each."""

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.course import TreatmentCourse
from domain.course_refusals import (
    AllergenInFormulationError,
    AlreadyVoidedError,
    AreaNotPlannedError,
    CourseClosedError,
    CourseNotActiveError,
    CourseStatusTransitionError,
    DepthOutOfRangeError,
    EntryNotVoidableError,
    FormulationInUseError,
    FormulationMissingError,
    IndicationChangedError,
    IndicationNotScreenedError,
    LotExpiredError,
    LotNotInFormulationError,
    NonAqueousVehicleError,
    OnsetInFutureError,
    SessionCountExceededError,
    SessionOutOfSequenceError,
    SessionsBelowDoneError,
    SupervisionRequiredError,
    VolumeLimitExceededError,
)
from domain.course_state import EntryKind, LiveEntry
from domain.errors import InvalidEntry
from domain.standing import (
    ConditionSinceScreeningError,
    NoScreeningError,
    NotEligibleError,
    NoTreatmentConsentError,
    ScreeningOutdatedError,
)
from domain.vocabulary import CourseStatus
from tests.clinic import (
    ABDOMEN,
    CLINICIAN,
    LEFT_THIGH,
    NURSE,
    THIGHS,
    adverse_event,
    dose,
    formula,
    ingredient,
    outcome,
    plan,
)
from tests.domain.given import NOW, POLICY, course, patient, recorded, standing

Course = TreatmentCourse


def refused(error: type[Exception], command, *args):
    """`command(*args)` raises `error` and records nothing."""
    aggregate = command.__self__
    with pytest.raises(error) as refusal:
        command(*args)
    assert recorded(aggregate) == [], "a refused command recorded something"
    return refusal.value


def inject(given: TreatmentCourse, *args, actor=CLINICIAN, at=NOW, treated=None, **options):
    given.inject(dose(*args, **options), treated or standing(), POLICY, actor, at)


# --- planning -----------------------------------------------------------------------------

def test_a_course_for_a_screened_indication_is_planned_active():
    planned = course(formulated=False)
    assert planned.status is CourseStatus.ACTIVE and planned.efficacy_note == ""


@pytest.mark.parametrize("error, who", [
    (NoScreeningError, patient(screened=False)),
    (NotEligibleError, patient("pregnancy")),
    (IndicationNotScreenedError, patient(indications=("wrinkles",))),
])
def test_a_course_is_planned_only_on_a_current_eligible_screening(error, who):
    with pytest.raises(error):
        Course.plan_for(uuid4(), who.id, "clinic-a", plan(), who.standing(), POLICY,
                        CLINICIAN, NOW)


def test_a_course_after_the_screening_went_stale_is_refused():
    with pytest.raises(ScreeningOutdatedError):
        Course.plan_for(uuid4(), uuid4(), "clinic-a", plan(), standing(), POLICY, CLINICIAN,
                        NOW + timedelta(days=30, seconds=1))


def test_a_localised_fat_course_says_efficacy_is_not_established():
    who = patient(indications=("localised_fat",))
    planned = Course.plan_for(uuid4(), who.id, "clinic-a", plan(indication="localised_fat"),
                              who.standing(), POLICY, CLINICIAN, NOW)
    assert "not established" in planned.efficacy_note


def test_a_plan_amendment_keeps_the_indication():
    refused(IndicationChangedError, course().amend_plan, plan(indication="wrinkles"), "x",
            CLINICIAN, NOW)


def test_a_plan_cannot_drop_below_the_sessions_given():
    given = course(the_plan=plan(sessions=3))
    inject(given, 1)
    inject(given, 2, at=NOW + timedelta(days=14))
    recorded(given)
    refused(SessionsBelowDoneError, given.amend_plan, plan(sessions=1), "fewer", CLINICIAN, NOW)
    given.amend_plan(plan(sessions=2), "fewer", CLINICIAN, NOW)
    assert recorded(given) == [Course.PlanAmended]


def test_a_closed_course_cannot_be_amended():
    given = course()
    given.change_status("complete", "done", CLINICIAN, NOW)
    recorded(given)
    refused(CourseClosedError, given.amend_plan, plan(sessions=8), "more", CLINICIAN, NOW)


# --- formulations -------------------------------------------------------------------------

def test_formulations_are_numbered_and_their_ratio_is_derived():
    given = course()
    assert given.formulate(formula(), standing(), CLINICIAN, NOW) == 2
    assert recorded(given) == [Course.Formulated]
    assert [str(r) for _, r in given.formula(2).ratio] == ["1.00", "2.50"]


@pytest.mark.parametrize("error, mix, treated", [
    (AllergenInFormulationError, formula(), standing(allergies=("L-Carnitine",))),
    (LotExpiredError, formula(ingredient(expiry=NOW.date() - timedelta(days=1))), standing()),
    (NonAqueousVehicleError, formula(base="alcohol"), standing()),
    (NonAqueousVehicleError, formula(base="oil"), standing()),
])
def test_a_formulation_breaking_a_rule_is_refused(error, mix, treated):
    refused(error, course().formulate, mix, treated, CLINICIAN, NOW)


# --- injections ---------------------------------------------------------------------------

def test_an_injection_is_recorded_and_counts_towards_its_session():
    given = course()
    inject(given, 1, volume="2.5")
    assert recorded(given) == [Course.Injected]
    assert given.sessions_done == 1 and given.volume_given(1, LEFT_THIGH) == Decimal("2.5")


def test_a_bilateral_plan_admits_either_side():
    given = course(the_plan=plan(THIGHS))
    inject(given, site=LEFT_THIGH)
    assert recorded(given) == [Course.Injected]


@pytest.mark.parametrize("error, treated", [
    (NoTreatmentConsentError, standing(withdrawn=True)),
    (ConditionSinceScreeningError, standing(conditions=("herpes labialis",))),
    (AllergenInFormulationError, standing(allergies=("caffeine",))),
])
def test_an_injection_on_the_patients_standing_is_refused(error, treated):
    given = course()
    refused(error, given.inject, dose(), treated, POLICY, CLINICIAN, NOW)


def test_an_injection_after_the_screening_went_stale_is_refused():
    given = course()
    refused(ScreeningOutdatedError, given.inject, dose(), standing(), POLICY, CLINICIAN,
            NOW + timedelta(days=31))


@pytest.mark.parametrize("error, entry", [
    (AreaNotPlannedError, dose(site=ABDOMEN)),
    (FormulationMissingError, dose(formulation_version=2)),
    (LotNotInFormulationError, dose(lots=("OTHER-9",))),
    (DepthOutOfRangeError, dose(technique="nappage", depth="1.5")),
    (DepthOutOfRangeError, dose(technique="epidermal", depth="1")),
    (DepthOutOfRangeError, dose(technique="point_by_point", depth="5")),  # the needle is 4 mm
    (SessionOutOfSequenceError, dose(session=2)),
])
def test_an_injection_breaking_a_rule_of_the_course_is_refused(error, entry):
    given = course()
    refused(error, given.inject, entry, standing(), POLICY, CLINICIAN, NOW)


def test_an_injection_with_a_lot_expired_on_the_day_is_refused():
    given = course(formulated=False)
    given.formulate(formula(ingredient(expiry=NOW.date())), standing(), CLINICIAN, NOW)
    inject(given)
    recorded(given)
    refused(LotExpiredError, given.inject, dose(), standing(), POLICY, CLINICIAN,
            NOW + timedelta(days=1))


def test_volume_over_the_area_session_limit_is_refused():
    given = course()
    inject(given, volume="6")
    recorded(given)
    refused(VolumeLimitExceededError, given.inject, dose(volume="4.5"), standing(), POLICY,
            CLINICIAN, NOW)
    inject(given, volume="4")
    assert recorded(given) == [Course.Injected]


def test_a_session_past_the_planned_count_is_refused():
    given = course(the_plan=plan(sessions=1))
    inject(given, 1)
    recorded(given)
    refused(SessionCountExceededError, given.inject, dose(2), standing(), POLICY, CLINICIAN, NOW)


def test_a_nurses_injection_names_the_supervising_clinician():
    given = course()
    refused(SupervisionRequiredError, given.inject, dose(), standing(), POLICY, NURSE, NOW)
    inject(given, actor=NURSE, supervisor=CLINICIAN.id)
    assert recorded(given) == [Course.Injected]


# --- outcomes and adverse events ----------------------------------------------------------

def test_an_outcome_is_assessed_only_in_a_planned_area_within_the_plan():
    given = course()
    refused(AreaNotPlannedError, given.assess_outcome, outcome(site=ABDOMEN), CLINICIAN, NOW)
    refused(SessionCountExceededError, given.assess_outcome, outcome(session=7), CLINICIAN, NOW)
    given.assess_outcome(outcome(), CLINICIAN, NOW)
    assert recorded(given) == [Course.OutcomeAssessed]


def test_an_adverse_event_starting_in_the_future_is_refused():
    refused(OnsetInFutureError, course().report_adverse_event,
            adverse_event(NOW + timedelta(minutes=6)), CLINICIAN, NOW)


def test_a_serious_adverse_event_suspends_the_course():
    given = course()
    inject(given)
    recorded(given)
    given.report_adverse_event(adverse_event(NOW, serious=True), CLINICIAN, NOW)
    assert recorded(given) == [Course.AdverseEventReported, Course.Suspended]
    assert given.status is CourseStatus.SUSPENDED
    refused(CourseNotActiveError, given.inject, dose(), standing(), POLICY, CLINICIAN, NOW)
    refused(CourseNotActiveError, given.formulate, formula(), standing(), CLINICIAN, NOW)


# --- status -------------------------------------------------------------------------------

@pytest.mark.parametrize("steps, action, event, status", [
    ((), "suspend", Course.Suspended, CourseStatus.SUSPENDED),
    (("suspend",), "resume", Course.Resumed, CourseStatus.ACTIVE),
    (("suspend",), "complete", Course.Completed, CourseStatus.COMPLETED),
    ((), "discontinue", Course.Discontinued, CourseStatus.DISCONTINUED),
])
def test_a_status_change_allowed_from_the_current_status_is_recorded(steps, action, event,
                                                                     status):
    given = course()
    for step in steps:
        given.change_status(step, "per protocol", CLINICIAN, NOW)
    recorded(given)
    given.change_status(action, "per protocol", CLINICIAN, NOW)
    assert recorded(given) == [event] and given.status is status


@pytest.mark.parametrize("steps, action", [
    ((), "resume"), (("suspend",), "suspend"), (("complete",), "resume"),
    (("discontinue",), "complete"),
])
def test_a_status_change_not_allowed_from_the_current_status_is_refused(steps, action):
    given = course()
    for step in steps:
        given.change_status(step, "per protocol", CLINICIAN, NOW)
    recorded(given)
    refused(CourseStatusTransitionError, given.change_status, action, "x", CLINICIAN, NOW)


@pytest.mark.parametrize("command, args, field", [
    ("change_status", ("pause", "why"), "action"),
    ("change_status", ("suspend", " "), "reason"),
    ("amend_plan", (plan(), ""), "reason"),
    ("void", (2, ""), "reason"),
])
def test_a_course_entry_without_its_reason_or_with_an_unknown_action_is_malformed(
        command, args, field):
    error = refused(InvalidEntry, getattr(course(), command), *args, CLINICIAN, NOW)
    assert error.field == field


# --- voids --------------------------------------------------------------------------------

def test_a_voided_injection_stays_in_history_and_frees_its_volume():
    given = course()
    inject(given, volume="10")
    given.void(3, "wrong patient chart", CLINICIAN, NOW)
    inject(given, volume="10")
    assert recorded(given) == [Course.Injected, Course.EntryVoided, Course.Injected]
    assert given.voided == [3]
    assert given.live_entries == [LiveEntry(2, EntryKind.FORMULATION, 1),
                                  LiveEntry(5, EntryKind.INJECTION)]


def test_voiding_twice_or_a_non_entry_is_refused():
    given = course()
    given.assess_outcome(outcome(), CLINICIAN, NOW)
    given.void(3, "wrong scale", CLINICIAN, NOW)
    recorded(given)
    refused(AlreadyVoidedError, given.void, 3, "again", CLINICIAN, NOW)
    refused(EntryNotVoidableError, given.void, 1, "the plan itself", CLINICIAN, NOW)


def test_a_formulation_in_use_cannot_be_voided_until_its_injections_are():
    given = course()
    inject(given)
    recorded(given)
    refused(FormulationInUseError, given.void, 2, "wrong mix", CLINICIAN, NOW)
    given.void(3, "entered in error", CLINICIAN, NOW)
    given.void(2, "wrong mix", CLINICIAN, NOW)
    assert recorded(given) == [Course.EntryVoided, Course.EntryVoided]
    assert given.formula(1) is None and given.live_entries == []


def test_expiry_is_compared_on_the_injection_day():
    given = course(formulated=False)
    given.formulate(formula(ingredient(expiry=date(2026, 5, 4))), standing(), CLINICIAN, NOW)
    inject(given)
    assert recorded(given) == [Course.Formulated, Course.Injected]
