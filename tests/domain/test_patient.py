"""The Patient in memory: given their entries, when a command, then what it records or the
rule that refuses it (and nothing recorded). No database; milliseconds each."""

from datetime import date, timedelta
from uuid import uuid4

import pytest

from domain.consent import ConsentNotActiveError
from domain.erasure import Retention
from domain.errors import InvalidEntry
from domain.patient import ConditionNotRecordedError, Patient
from domain.personal_data import PersonalDataErasedError
from domain.screening import OverrideNeedsClinicianError
from tests.clinic import CLINICIAN, NURSE, RECEPTIONIST, answers, treatment_consent
from tests.domain.given import BORN, NOW, patient, recorded

TEN_YEARS = Retention(10)


def refused(error: type[Exception], command, *args):
    """`command(*args)` raises `error` and records nothing."""
    aggregate = command.__self__
    with pytest.raises(error) as refusal:
        command(*args)
    assert recorded(aggregate) == [], "a refused command recorded something"
    return refusal.value


def test_a_registered_patient_has_no_consent_screening_or_findings():
    registered = Patient.register(uuid4(), "clinic-a", "MRN-1", "sealed", RECEPTIONIST, NOW)
    assert recorded(registered) == [Patient.Registered]
    assert registered.standing().consented_scopes_at(NOW) == frozenset()
    assert registered.standing().screening_at(NOW) is None


@pytest.mark.parametrize("clinic, mrn, field", [(" ", "MRN-1", "clinic"), ("a", "", "mrn")])
def test_a_registration_without_clinic_or_mrn_is_malformed(clinic, mrn, field):
    with pytest.raises(InvalidEntry) as refusal:
        Patient.register(uuid4(), clinic, mrn, "sealed", RECEPTIONIST, NOW)
    assert refusal.value.field == field


def test_a_consent_given_and_withdrawn_changes_the_standing():
    someone = patient(consented=False, screened=False)
    someone.give_consent(treatment_consent(NOW), RECEPTIONIST, NOW)
    assert someone.standing().consented_scopes_at(NOW) == {"treatment"}
    someone.withdraw_consent("treatment", "patient asked", RECEPTIONIST, NOW)
    assert recorded(someone) == [Patient.ConsentGiven, Patient.ConsentWithdrawn]
    assert someone.standing().consented_scopes_at(NOW) == frozenset()


def test_withdrawing_a_consent_never_given_is_refused():
    someone = patient(consented=False)
    refused(ConsentNotActiveError, someone.withdraw_consent, "treatment", "why", RECEPTIONIST,
            NOW)


@pytest.mark.parametrize("present", ["pregnancy", "breastfeeding", "allergy_to_ingredient",
                                     "active_cancer",
                                     "active_infection_or_skin_disease_in_area"])
def test_an_absolute_contraindication_makes_the_screening_ineligible(present):
    someone = patient(screened=False)
    screening = someone.screen(answers(present, justification="insist"), BORN, CLINICIAN, NOW)
    assert recorded(someone) == [Patient.Screened]
    assert (screening.result, screening.reasons) == ("ineligible", (present,))


@pytest.mark.parametrize("justification, result", [
    (None, "ineligible"), ("stable, agreed", "eligible_with_override")])
def test_a_relative_contraindication_needs_a_justified_override(justification, result):
    someone = patient(screened=False)
    screening = someone.screen(answers("autoimmune_disease", justification=justification),
                               BORN, CLINICIAN, NOW)
    assert screening.result == result and "autoimmune_disease" in screening.reasons[0]


def test_only_a_clinician_may_override():
    someone = patient(screened=False)
    refused(OverrideNeedsClinicianError, someone.screen,
            answers("autoimmune_disease", justification="ok"), BORN, NURSE, NOW)


def test_under_18_on_the_screening_day_is_ineligible():
    someone = patient(screened=False)
    seventeen = date(NOW.year - 17, NOW.month, NOW.day)
    screening = someone.screen(answers(), seventeen, CLINICIAN, NOW)
    assert (screening.result, screening.reasons) == ("ineligible", ("under_18",))


def test_allergies_from_screening_and_since_are_kept_once_each_in_their_words():
    someone = patient(allergies=("Lidocaine  Hydrochloride",))
    someone.record_allergy("lidocaine hydrochloride", "rash", CLINICIAN, NOW)
    someone.record_allergy("Caffeine", "urticaria", CLINICIAN, NOW)
    assert recorded(someone) == [Patient.AllergyRecorded, Patient.AllergyRecorded]
    assert someone.standing().allergies_at(NOW) == ("lidocaine hydrochloride", "caffeine")


def test_a_condition_recorded_since_screening_holds_treatment_until_rescreened():
    someone = patient()
    someone.record_condition("herpes labialis", "active lesion", CLINICIAN, NOW)
    assert someone.standing().conditions_since_screening(NOW) == ("herpes labialis",)
    someone.screen(answers(), BORN, CLINICIAN, NOW)
    assert recorded(someone) == [Patient.ConditionRecorded, Patient.Screened]
    assert someone.standing().conditions_since_screening(NOW) == ()


def test_a_resolved_condition_leaves_the_standing():
    someone = patient()
    someone.record_condition("herpes labialis", "", CLINICIAN, NOW)
    someone.resolve_condition("herpes labialis", "healed", CLINICIAN, NOW)
    assert recorded(someone) == [Patient.ConditionRecorded, Patient.ConditionResolved]
    assert someone.standing().conditions_since_screening(NOW) == ()


def test_resolving_an_unrecorded_condition_is_refused():
    refused(ConditionNotRecordedError, patient().resolve_condition, "shingles", "healed",
            CLINICIAN, NOW)


@pytest.mark.parametrize("command, args, field", [
    ("amend_personal_data", ("sealed-2", ""), "reason"),
    ("withdraw_consent", ("massage", "why"), "scope"),
    ("withdraw_consent", ("treatment", ""), "reason"),
    ("record_allergy", ("", "rash"), "substance"),
    ("record_allergy", ("caffeine", ""), "reaction"),
    ("record_condition", ("", "note"), "condition"),
    ("record_condition", ("eczema", "x" * 2001), "note"),
    ("resolve_condition", ("eczema", ""), "reason"),
])
def test_a_patient_entry_missing_what_it_needs_is_malformed(command, args, field):
    refusal = refused(InvalidEntry, getattr(patient(), command), *args, CLINICIAN, NOW)
    assert refusal.field == field


def test_the_version_a_standing_is_of_is_the_patients():
    someone = patient()
    assert (someone.standing().patient_id, someone.standing().version) == (someone.id, 3)


# --- erasure ------------------------------------------------------------------------------

def test_erasure_while_retention_runs_records_the_refusal_and_when_it_ends():
    someone = patient()
    kept_until = someone.request_erasure("patient's request", NOW, TEN_YEARS, CLINICIAN, NOW)
    assert recorded(someone) == [Patient.ErasureRefused] and not someone.erased
    assert kept_until == NOW.replace(year=NOW.year + 10)


def test_erasure_after_retention_ran_is_recorded():
    someone = patient()
    later = NOW.replace(year=NOW.year + 10) + timedelta(seconds=1)
    assert someone.request_erasure("request", NOW, TEN_YEARS, CLINICIAN, later) is None
    assert recorded(someone) == [Patient.PersonalDataErased] and someone.erased


def test_a_record_with_no_entry_yet_is_kept_as_if_its_last_entry_were_now():
    assert TEN_YEARS.ends(None, NOW) == TEN_YEARS.ends(NOW, NOW)
    assert Retention(8).ends(None, NOW).year == NOW.year + 8


def test_a_29_february_entry_is_kept_to_1_march():
    leap = NOW.replace(year=2028, month=2, day=29)
    assert TEN_YEARS.ends(leap, NOW) == leap.replace(year=2038, month=3, day=1)


def test_erasing_twice_is_refused():
    someone = patient()
    later = NOW.replace(year=NOW.year + 11)
    someone.request_erasure("request", NOW, TEN_YEARS, CLINICIAN, later)
    recorded(someone)
    refused(PersonalDataErasedError, someone.request_erasure, "again", NOW, TEN_YEARS,
            CLINICIAN, later)
    refused(InvalidEntry, patient().request_erasure, "", NOW, TEN_YEARS, CLINICIAN, later)
