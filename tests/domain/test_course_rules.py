"""Every rule of a treatment course: the refusal, its error, and that nothing was recorded."""

from datetime import timedelta

import pytest

from domain.course_refusals import (
    AllergenInFormulationError,
    AlreadyVoidedError,
    AreaNotPlannedError,
    CourseNotActiveError,
    CourseStatusTransitionError,
    DepthOutOfRangeError,
    EntryNotVoidableError,
    FormulationInUseError,
    FormulationMissingError,
    IndicationNotScreenedError,
    LotExpiredError,
    LotNotInFormulationError,
    NonAqueousVehicleError,
    SessionCountExceededError,
    SessionOutOfSequenceError,
    SupervisionRequiredError,
    VolumeLimitExceededError,
)
from domain.errors import InvalidEntry, StaleVersionError
from domain.standing import (
    ConditionSinceScreeningError,
    NoTreatmentConsentError,
    ScreeningOutdatedError,
)
from tests.clinic import (
    ABDOMEN,
    CLINICIAN,
    LEFT_THIGH,
    NURSE,
    RECEPTIONIST,
    THIGHS,
    adverse_event,
    answers,
    dose,
    formula,
    ingredient,
    outcome,
    plan,
)


def test_course_for_an_indication_not_screened_is_refused(clinic, records):
    patient_id = clinic.screened_patient()
    with clinic.refuses(IndicationNotScreenedError):
        records.plan_course(patient_id, plan(indication="alopecia"), CLINICIAN)


def test_course_after_the_screening_went_stale_is_refused(clinic, records, clock):
    patient_id = clinic.screened_patient()
    clock.advance(days=31)
    with clinic.refuses(ScreeningOutdatedError):
        records.plan_course(patient_id, plan(), CLINICIAN)


def test_localised_fat_course_says_efficacy_is_not_established(clinic, records):
    patient_id = clinic.screened_patient(indications=("localised_fat",))
    course_id = records.plan_course(patient_id, plan(indication="localised_fat"), CLINICIAN).id
    assert "not established" in records.course(course_id).efficacy_note


def test_formulation_with_a_recorded_allergen_is_refused(clinic, records):
    course_id = clinic.course()
    patient_id = records.course(course_id).patient_id
    records.record_allergy(patient_id, "L-Carnitine", "urticaria", CLINICIAN)
    with clinic.refuses(AllergenInFormulationError):
        records.formulate(course_id, formula(), CLINICIAN)


def test_formulation_with_an_expired_lot_is_refused(clinic, records, clock):
    course_id = clinic.course()
    expired = ingredient(expiry=clock().date() - timedelta(days=1))
    with clinic.refuses(LotExpiredError):
        records.formulate(course_id, formula(expired), CLINICIAN)


@pytest.mark.parametrize("base", ["alcohol", "oil"])
def test_formulation_in_a_non_aqueous_vehicle_is_refused(clinic, records, base):
    course_id = clinic.course()
    with clinic.refuses(NonAqueousVehicleError):
        records.formulate(course_id, formula(base=base), CLINICIAN)


def test_formulations_are_numbered_and_their_ratio_is_derived(clinic, records):
    course_id = clinic.formulated_course()
    records.formulate(course_id, formula(), CLINICIAN)
    course = records.course(course_id)
    assert [f.version for f in course.formulations] == [1, 2]
    assert [str(r) for _, r in course.formula(2).ratio] == ["1.00", "2.50"]


def test_injection_without_treatment_consent_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    records.withdraw_consent(patient_id, "treatment", "patient asked", RECEPTIONIST)
    with clinic.refuses(NoTreatmentConsentError):
        records.inject(course_id, dose(), CLINICIAN)


def test_injection_into_an_unplanned_area_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(AreaNotPlannedError):
        records.inject(course_id, dose(site=ABDOMEN), CLINICIAN)


def test_bilateral_plan_admits_either_side(clinic, records):
    course_id = clinic.formulated_course(THIGHS)
    assert records.inject(course_id, dose(site=LEFT_THIGH), CLINICIAN).version == 3


@pytest.mark.parametrize("technique, depth", [("nappage", "1.5"), ("nappage", "4.5"),
                                              ("epidermal", "1"), ("papule", "2.5")])
def test_injection_outside_the_technique_depth_is_refused(clinic, records, technique, depth):
    course_id = clinic.formulated_course()
    with clinic.refuses(DepthOutOfRangeError):
        records.inject(course_id, dose(technique=technique, depth=depth), CLINICIAN)


def test_injection_deeper_than_the_needle_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(DepthOutOfRangeError):
        records.inject(course_id, dose(technique="point_by_point", depth="5"), CLINICIAN)


def test_volume_over_the_area_session_limit_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(volume="6"), CLINICIAN)
    with clinic.refuses(VolumeLimitExceededError):
        records.inject(course_id, dose(volume="4.5"), CLINICIAN)
    records.inject(course_id, dose(volume="4"), CLINICIAN)


def test_session_past_the_planned_count_is_refused(clinic, records):
    course_id = clinic.formulated_course(sessions=1)
    records.inject(course_id, dose(session=1), CLINICIAN)
    with clinic.refuses(SessionCountExceededError):
        records.inject(course_id, dose(session=2), CLINICIAN)


def test_skipping_a_session_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(SessionOutOfSequenceError):
        records.inject(course_id, dose(session=2), CLINICIAN)


def test_injection_with_a_stale_screening_is_refused(clinic, records, clock):
    course_id = clinic.formulated_course()
    clock.advance(days=30, seconds=1)
    with clinic.refuses(ScreeningOutdatedError):
        records.inject(course_id, dose(), CLINICIAN)


def test_injection_after_a_new_condition_is_refused_until_rescreened(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    records.record_condition(patient_id, "herpes labialis", "active lesion", CLINICIAN)
    with clinic.refuses(ConditionSinceScreeningError):
        records.inject(course_id, dose(), CLINICIAN)
    records.screen(patient_id, answers(), CLINICIAN)
    records.inject(course_id, dose(), CLINICIAN)


def test_injection_of_a_missing_formulation_is_refused(clinic, records):
    course_id = clinic.course()
    with clinic.refuses(FormulationMissingError):
        records.inject(course_id, dose(), CLINICIAN)


def test_injection_with_a_lot_expired_on_the_day_is_refused(clinic, records, clock):
    course_id = clinic.course()
    records.formulate(course_id, formula(ingredient(expiry=clock().date())), CLINICIAN)
    clock.advance(days=1)
    with clinic.refuses(LotExpiredError):
        records.inject(course_id, dose(), CLINICIAN)


def test_injection_with_a_lot_not_in_the_formulation_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(LotNotInFormulationError):
        records.inject(course_id, dose(lots=("OTHER-9",)), CLINICIAN)


def test_allergy_recorded_after_formulation_stops_the_injection(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    records.record_allergy(patient_id, "caffeine", "rash", CLINICIAN)
    with clinic.refuses(AllergenInFormulationError):
        records.inject(course_id, dose(), CLINICIAN)


def test_nurse_injection_names_a_supervising_clinician(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(SupervisionRequiredError):
        records.inject(course_id, dose(), NURSE)
    records.inject(course_id, dose(supervisor=CLINICIAN.id), NURSE)


def test_serious_adverse_event_suspends_the_course(clinic, records, clock):
    course_id = clinic.formulated_course()
    records.report_adverse_event(course_id, adverse_event(clock(), serious=True), CLINICIAN)
    assert records.course(course_id).status == "suspended"
    with clinic.refuses(CourseNotActiveError):
        records.inject(course_id, dose(), CLINICIAN)
    records.change_course_status(course_id, "resume", "infection ruled out", CLINICIAN)
    records.inject(course_id, dose(), CLINICIAN)


def test_completed_course_cannot_resume(clinic, records):
    course_id = clinic.course()
    records.change_course_status(course_id, "complete", "all sessions given", CLINICIAN)
    with clinic.refuses(CourseStatusTransitionError):
        records.change_course_status(course_id, "resume", "more", CLINICIAN)


def test_outcome_outside_its_scale_is_refused():
    with pytest.raises(InvalidEntry) as refusal:
        outcome(score="16")
    assert refusal.value.field == "score"


def test_voided_injection_stays_in_history_and_frees_its_volume(clinic, records):
    course_id = clinic.formulated_course()
    injected = records.inject(course_id, dose(volume="10"), CLINICIAN)
    records.void_entry(course_id, injected.version, "wrong patient chart", CLINICIAN)
    records.inject(course_id, dose(volume="10"), CLINICIAN)
    history = [type(e).__name__ for e in records.events.get(course_id)]
    assert history.count("Injected") == 2 and "EntryVoided" in history


def test_voiding_twice_or_a_non_entry_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    assessed = records.assess_outcome(course_id, outcome(), CLINICIAN)
    records.void_entry(course_id, assessed.version, "wrong scale", CLINICIAN)
    with clinic.refuses(AlreadyVoidedError):
        records.void_entry(course_id, assessed.version, "again", CLINICIAN)
    with clinic.refuses(EntryNotVoidableError):
        records.void_entry(course_id, 1, "the plan itself", CLINICIAN)


def test_formulation_in_use_cannot_be_voided(clinic, records):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    with clinic.refuses(FormulationInUseError):
        records.void_entry(course_id, 2, "wrong mix", CLINICIAN)


def test_stale_expected_version_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(StaleVersionError):
        records.inject(course_id, dose(), CLINICIAN, expected_version=1)
    assert records.inject(course_id, dose(), CLINICIAN, expected_version=2).version == 3


def test_expiry_is_compared_on_the_injection_day(clinic, records, clock):
    course_id = clinic.course()
    records.formulate(course_id, formula(ingredient(expiry=clock().date())), CLINICIAN)
    assert records.inject(course_id, dose(), CLINICIAN).version == 3
