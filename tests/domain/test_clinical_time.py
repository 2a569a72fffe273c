"""Clinical time in memory: every rule judged as of when care happened, nothing dated before
what it depends on, late entries explained, old ones refused. Given / when / then; no
database."""

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from domain.clinical_time import (
    BackdatedTooFarError,
    BeforeFirstInjectionError,
    BeforeFormulationError,
    BeforePlanError,
    BeforeRegistrationError,
    ImplausibleBirthDateError,
    LateEntryPolicy,
    LateEntryUnexplainedError,
    clinical_time,
    explain_late_entry,
    require_plausible_birth,
)
from domain.consent import ConsentNotActiveError, ConsentSignedOutOfTimeError
from domain.course import TreatmentCourse
from domain.course_refusals import AllergenInFormulationError, LotExpiredError
from domain.errors import InvalidEntry
from domain.patient import Patient
from domain.standing import ConditionSinceScreeningError, NoTreatmentConsentError
from tests.clinic import (
    CLINICIAN,
    RECEPTIONIST,
    adverse_event,
    answers,
    dose,
    formula,
    ingredient,
    plan,
    treatment_consent,
)
from tests.domain.given import BORN, NOW, POLICY, course, patient, recorded, settled
from tests.domain.test_course import inject, refused

DAY = timedelta(days=1)


# --- when an entry may be dated ------------------------------------------------------------

def test_an_injection_400_days_back_is_refused_as_backdated_too_far():
    with pytest.raises(BackdatedTooFarError) as refusal:
        clinical_time(NOW - 400 * DAY, "found in the paper chart", NOW)
    assert refusal.value.rule == "backdated_too_far"


def test_an_entry_more_than_a_day_late_needs_a_reason():
    with pytest.raises(LateEntryUnexplainedError):
        clinical_time(NOW - timedelta(hours=25), None, NOW)
    assert clinical_time(NOW - timedelta(hours=25), "power cut", NOW) == NOW - timedelta(hours=25)


def test_an_entry_within_the_late_entry_window_needs_no_reason():
    assert clinical_time(NOW - timedelta(hours=23), None, NOW) == NOW - timedelta(hours=23)


def test_the_clinics_windows_decide_what_is_late_and_what_is_too_old():
    strict = LateEntryPolicy(late_after=timedelta(hours=2), refused_after=timedelta(days=3))
    with pytest.raises(LateEntryUnexplainedError):
        clinical_time(NOW - timedelta(hours=3), None, NOW, strict)
    with pytest.raises(BackdatedTooFarError):
        clinical_time(NOW - 4 * DAY, "late", NOW, strict)


@pytest.mark.parametrize("offset", [timedelta(hours=14, minutes=30), -timedelta(hours=15)])
def test_an_offset_beyond_14_hours_is_refused(offset):
    with pytest.raises(InvalidEntry) as refusal:
        clinical_time(NOW.astimezone(timezone(offset)), None, NOW)
    assert refusal.value.field == "occurred_at" and "14:00" in refusal.value.problem


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, 5])
def test_a_late_entry_reason_is_text_that_says_something(reason):
    with pytest.raises(InvalidEntry) as refusal:
        clinical_time(NOW - 2 * DAY, reason, NOW)
    assert refusal.value.field == "late_entry_reason"


def test_a_late_entry_records_its_reason_in_the_entry():
    someone = settled(a_patient_registered(NOW - 3 * DAY))
    someone.record_allergy("caffeine", "rash", CLINICIAN, NOW - 2 * DAY)
    explain_late_entry(someone, "told by phone, charted next morning")
    [entry] = someone.collect_events()
    assert entry.late_entry_reason == "told by phone, charted next morning"


@pytest.mark.parametrize("birth", [date(2027, 1, 1), date(1, 1, 1), date(1900, 1, 1)])
def test_a_date_of_birth_in_the_future_or_implausibly_long_ago_is_refused(birth):
    with pytest.raises(ImplausibleBirthDateError):
        require_plausible_birth(birth, NOW.date())


def test_a_consent_signed_after_it_was_given_or_before_birth_is_refused():
    someone = patient(consented=False, screened=False)
    for signed in (NOW + DAY, datetime(1980, 1, 1, tzinfo=UTC)):
        refused(ConsentSignedOutOfTimeError, someone.give_consent, treatment_consent(signed),
                RECEPTIONIST,
                NOW, BORN)


# --- nothing before what it depends on ----------------------------------------------------

def test_nothing_about_a_patient_is_dated_before_registration():
    someone = patient()
    before = NOW - DAY
    refused(BeforeRegistrationError, someone.record_allergy, "caffeine", "rash", CLINICIAN,
            before)
    refused(BeforeRegistrationError, someone.screen, answers(), BORN, CLINICIAN, before)
    refused(BeforeRegistrationError, someone.give_consent, treatment_consent(before),
            RECEPTIONIST, before)


def test_a_course_is_not_planned_before_the_patient_was_registered():
    with pytest.raises(BeforeRegistrationError):
        TreatmentCourse.plan_for(uuid4(), uuid4(), "clinic-a", plan(), patient().standing(),
                                 POLICY, CLINICIAN, NOW - DAY)


def test_an_expired_lot_dated_before_its_expiry_but_before_the_plan_is_refused():
    given = course(formulated=False)
    expired_2021 = formula(ingredient(expiry=date(2021, 6, 30)))
    refused(BeforePlanError, given.formulate, expired_2021, patient().standing(), CLINICIAN,
            datetime(2020, 3, 1, 9, tzinfo=UTC))
    refused(LotExpiredError, given.formulate, expired_2021, patient().standing(), CLINICIAN,
            NOW)


def test_year_one_is_before_everything():
    given = course()
    refused(BeforePlanError, given.inject, dose(), patient().standing(), POLICY, CLINICIAN,
            datetime(1, 1, 1, tzinfo=UTC))


def test_an_injection_before_the_mix_it_uses_is_refused():
    given = course(formulated=False)
    given.formulate(formula(), patient().standing(), CLINICIAN, NOW + timedelta(hours=2))
    recorded(given)
    refused(BeforeFormulationError, given.inject, dose(), patient().standing(), POLICY,
            CLINICIAN, NOW + timedelta(hours=1))


def test_an_adverse_event_before_the_first_injection_is_refused():
    given = course()
    refused(BeforeFirstInjectionError, given.report_adverse_event, adverse_event(NOW),
            CLINICIAN, NOW)
    inject(given, at=NOW + timedelta(hours=1))
    recorded(given)
    refused(BeforeFirstInjectionError, given.report_adverse_event, adverse_event(NOW),
            CLINICIAN, NOW + timedelta(hours=2))
    given.report_adverse_event(adverse_event(NOW + timedelta(hours=2)), CLINICIAN,
                               NOW + timedelta(hours=3))
    assert recorded(given) == [TreatmentCourse.AdverseEventReported]


# --- the patient's standing as of the entry's clinical time -------------------------------

def a_patient_registered(at: datetime) -> Patient:
    return Patient.register(uuid4(), "clinic-a", "MRN-1", "sealed", RECEPTIONIST, at)


def test_a_consent_withdrawn_later_still_covers_an_injection_before_the_withdrawal():
    someone = a_patient_registered(NOW - 3 * DAY)
    someone.give_consent(treatment_consent(NOW - 3 * DAY), RECEPTIONIST, NOW - 3 * DAY)
    someone.withdraw_consent("treatment", "moved away", RECEPTIONIST, NOW)
    standing = settled(someone).standing()
    standing.require_treatment_consent(NOW - DAY)
    with pytest.raises(NoTreatmentConsentError):
        standing.require_treatment_consent(NOW)


def test_a_consent_given_today_does_not_cover_an_injection_last_week():
    someone = a_patient_registered(NOW - 10 * DAY)
    someone.give_consent(treatment_consent(NOW), RECEPTIONIST, NOW)
    with pytest.raises(NoTreatmentConsentError):
        someone.standing().require_treatment_consent(NOW - 7 * DAY)


def test_a_condition_recorded_after_the_injection_time_does_not_refuse_it():
    someone = patient()
    someone.record_condition("herpes labialis", "", CLINICIAN, NOW + 2 * DAY)
    standing = someone.standing()
    standing.require_current_eligible_screening(NOW + DAY, POLICY.screening_validity_days)
    with pytest.raises(ConditionSinceScreeningError):
        standing.require_current_eligible_screening(NOW + 3 * DAY, 30)


def test_an_allergy_known_only_later_does_not_refuse_an_earlier_mix():
    someone = patient()
    someone.record_allergy("caffeine", "urticaria", CLINICIAN, NOW + 2 * DAY)
    given = course()
    given.formulate(formula(), someone.standing(), CLINICIAN, NOW + DAY)
    recorded(given)
    refused(AllergenInFormulationError, given.formulate, formula(), someone.standing(),
            CLINICIAN, NOW + 3 * DAY)


def test_a_withdrawal_dated_before_the_consent_was_given_is_refused():
    someone = a_patient_registered(NOW - 3 * DAY)
    someone.give_consent(treatment_consent(NOW), RECEPTIONIST, NOW)
    recorded(someone)
    refused(ConsentNotActiveError, someone.withdraw_consent, "treatment", "moved away",
            RECEPTIONIST, NOW - DAY)
