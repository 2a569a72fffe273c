"""The course's use cases through ClinicalRecords, on a real SQLite file and real PostgreSQL:
the patient's standing is read from the store, a refusal records nothing, and the versions a
caller expects are honoured. Each rule itself is tested in memory (test_course.py)."""

from datetime import timedelta

from domain.course_refusals import (
    AllergenInFormulationError,
    CourseNotActiveError,
    CourseStatusTransitionError,
    FormulationInUseError,
    IndicationNotScreenedError,
    VolumeLimitExceededError,
)
from domain.errors import StaleVersionError
from domain.standing import (
    ConditionSinceScreeningError,
    NoTreatmentConsentError,
    ScreeningOutdatedError,
)
from domain.vocabulary import CourseStatus
from tests.clinic import (
    CLINICIAN,
    RECEPTIONIST,
    adverse_event,
    answers,
    dose,
    formula,
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


def test_allergy_recorded_after_formulation_stops_the_mix_and_the_injection(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    records.record_allergy(patient_id, "caffeine", "rash", CLINICIAN)
    with clinic.refuses(AllergenInFormulationError):
        records.formulate(course_id, formula(), CLINICIAN)
    with clinic.refuses(AllergenInFormulationError):
        records.inject(course_id, dose(), CLINICIAN)


def test_injection_without_treatment_consent_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    records.withdraw_consent(patient_id, "treatment", "patient asked", RECEPTIONIST)
    with clinic.refuses(NoTreatmentConsentError):
        records.inject(course_id, dose(), CLINICIAN)


def test_injection_after_a_new_condition_is_refused_until_rescreened(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    records.record_condition(patient_id, "herpes labialis", "active lesion", CLINICIAN)
    with clinic.refuses(ConditionSinceScreeningError):
        records.inject(course_id, dose(), CLINICIAN)
    records.screen(patient_id, answers(), CLINICIAN)
    assert records.inject(course_id, dose(), CLINICIAN).version == 3


def test_injection_with_a_stale_screening_is_refused(clinic, records, clock):
    course_id = clinic.formulated_course()
    clock.advance(days=30, seconds=1)
    with clinic.refuses(ScreeningOutdatedError):
        records.inject(course_id, dose(), CLINICIAN)


def test_volume_given_counts_across_saves_and_a_void_frees_it(clinic, records):
    course_id = clinic.formulated_course()
    injected = records.inject(course_id, dose(volume="6"), CLINICIAN)
    with clinic.refuses(VolumeLimitExceededError):
        records.inject(course_id, dose(volume="4.5"), CLINICIAN)
    records.void_entry(course_id, injected.version, "wrong patient chart", CLINICIAN)
    records.inject(course_id, dose(volume="10"), CLINICIAN)
    history = [type(e).__name__ for e in records.events.get(course_id)]
    assert history.count("Injected") == 2 and "EntryVoided" in history


def test_serious_adverse_event_suspends_the_course_until_resumed(clinic, records, clock):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    records.report_adverse_event(course_id, adverse_event(clock(), serious=True), CLINICIAN)
    assert records.course(course_id).status is CourseStatus.SUSPENDED
    with clinic.refuses(CourseNotActiveError):
        records.inject(course_id, dose(), CLINICIAN)
    records.change_course_status(course_id, "resume", "infection ruled out", CLINICIAN)
    records.inject(course_id, dose(), CLINICIAN)


def test_completed_course_cannot_resume(clinic, records):
    course_id = clinic.course()
    records.change_course_status(course_id, "complete", "all sessions given", CLINICIAN)
    with clinic.refuses(CourseStatusTransitionError):
        records.change_course_status(course_id, "resume", "more", CLINICIAN)


def test_formulation_in_use_cannot_be_voided(clinic, records):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    records.assess_outcome(course_id, outcome(), CLINICIAN)
    with clinic.refuses(FormulationInUseError):
        records.void_entry(course_id, 2, "wrong mix", CLINICIAN)


def test_stale_expected_version_is_refused(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(StaleVersionError):
        records.inject(course_id, dose(), CLINICIAN, expected_version=1)
    assert records.inject(course_id, dose(), CLINICIAN, expected_version=2).version == 3


def test_an_entry_dated_back_is_judged_on_that_day(clinic, records, clock):
    course_id = clinic.formulated_course()
    clock.advance(days=31)
    assert records.inject(course_id, dose(), CLINICIAN, occurred_at=clock() - timedelta(days=2),
                          late_entry_reason="charted on paper, entered later").version == 3
