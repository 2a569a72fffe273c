"""Registration, consent and screening rules, on a real SQLite file and real PostgreSQL."""

from datetime import date, timedelta

import pytest

from domain.consent import ConsentNotActiveError
from domain.errors import DuplicateMrnError, InvalidEntry
from domain.patient import ConditionNotRecordedError
from domain.personal_data import PersonalDataErasedError
from domain.screening import OverrideNeedsClinicianError
from domain.standing import NoScreeningError, NotEligibleError
from tests.clinic import CLINICIAN, NURSE, PERSON, RECEPTIONIST, answers, person_born, plan


def test_registered_patient_reads_back_their_personal_data(clinic, records):
    patient_id = clinic.patient()
    assert records.personal_data(patient_id) == PERSON
    assert records.patient(patient_id).mrn == "MRN-0001"


def test_duplicate_mrn_in_one_clinic_is_refused(clinic):
    clinic.patient(mrn="MRN-7")
    with clinic.refuses(DuplicateMrnError):
        clinic.patient(mrn="MRN-7")


def test_same_mrn_in_another_clinic_is_a_different_patient(clinic, records):
    first = clinic.patient(mrn="MRN-7", clinic="clinic-a")
    second = clinic.patient(mrn="MRN-7", clinic="clinic-b")
    assert first != second
    assert records.patient_by_mrn("clinic-b", "MRN-7") == second


def test_registration_dated_in_the_future_is_refused(clinic, records, clock):
    with clinic.refuses(InvalidEntry) as refusal:
        records.register_patient("clinic-a", "MRN-9", PERSON, RECEPTIONIST,
                                 occurred_at=clock() + timedelta(minutes=6))
    assert refusal.value.field == "occurred_at"


def test_withdrawing_a_consent_never_given_is_refused(clinic, records):
    patient_id = clinic.patient()
    with clinic.refuses(ConsentNotActiveError):
        records.withdraw_consent(patient_id, "treatment", "changed mind", RECEPTIONIST)


def test_amended_personal_data_keeps_the_old_values_in_history(clinic, records):
    patient_id = clinic.patient()
    records.amend_personal_data(patient_id, person_born(date(1985, 3, 15)), "typo in DOB",
                                RECEPTIONIST)
    assert records.personal_data(patient_id).date_of_birth == date(1985, 3, 15)
    before = records.repository.get(patient_id, version=1)
    assert before.sealed_personal_data != records.patient(patient_id).sealed_personal_data


@pytest.mark.parametrize("present", ["pregnancy", "breastfeeding", "allergy_to_ingredient",
                                     "active_cancer",
                                     "active_infection_or_skin_disease_in_area"])
def test_absolute_contraindication_makes_screening_ineligible(clinic, records, present):
    patient_id = clinic.patient()
    screening = records.screen(patient_id, answers(present, justification="insist"),
                               CLINICIAN)
    assert (screening.result, screening.reasons) == ("ineligible", (present,))


def test_relative_contraindication_without_override_is_ineligible(clinic, records):
    patient_id = clinic.patient()
    screening = records.screen(patient_id, answers("autoimmune_disease"), CLINICIAN)
    assert screening.result == "ineligible"
    assert "autoimmune_disease" in screening.reasons[0]


@pytest.mark.parametrize("present", ["autoimmune_disease", "uncontrolled_diabetes",
                                     "anticoagulant_or_antiplatelet_therapy"])
def test_relative_contraindication_with_justified_override_is_eligible(clinic, records,
                                                                       present):
    patient_id = clinic.patient()
    screening = records.screen(patient_id, answers(present, justification="stable, agreed"),
                               CLINICIAN)
    assert (screening.result, screening.reasons) == ("eligible_with_override", (present,))


def test_only_a_clinician_may_override(clinic, records):
    patient_id = clinic.patient()
    with clinic.refuses(OverrideNeedsClinicianError):
        records.screen(patient_id, answers("autoimmune_disease", justification="ok"), NURSE)


def test_under_18_on_the_screening_day_is_ineligible(clinic, records, clock):
    today = clock().date()
    patient_id = clinic.patient(person_born(today.replace(year=today.year - 17)))
    screening = records.screen(patient_id, answers(), CLINICIAN)
    assert (screening.result, screening.reasons) == ("ineligible", ("under_18",))


def test_unanswered_contraindication_is_refused_naming_the_items(clinic):
    checklist = answers().contraindications
    del checklist["pregnancy"]
    with pytest.raises(InvalidEntry) as refusal:
        answers().__class__(("cellulite",), checklist, "III")
    assert "pregnancy" in refusal.value.problem


def test_no_course_without_a_screening(clinic, records):
    patient_id = clinic.patient()
    with clinic.refuses(NoScreeningError):
        records.plan_course(patient_id, plan(), CLINICIAN)


def test_no_course_after_an_ineligible_screening(clinic, records):
    patient_id = clinic.screened_patient("pregnancy")
    with clinic.refuses(NotEligibleError):
        records.plan_course(patient_id, plan(), CLINICIAN)


def test_resolving_an_unrecorded_condition_is_refused(clinic, records):
    patient_id = clinic.patient()
    with clinic.refuses(ConditionNotRecordedError):
        records.resolve_condition(patient_id, "shingles", "healed", CLINICIAN)


def test_amending_an_erased_patient_is_refused(clinic, records):
    patient_id = clinic.patient()
    records.vault.destroy_key(patient_id)
    with clinic.refuses(PersonalDataErasedError):
        records.amend_personal_data(patient_id, PERSON, "new phone", RECEPTIONIST)
    with clinic.refuses(PersonalDataErasedError):
        records.screen(patient_id, answers(), CLINICIAN)
