"""The patient's use cases through ClinicalRecords, on a real SQLite file and real
PostgreSQL: personal data sealed and read back, MRNs unique per clinic, screening on the
unsealed date of birth, a refusal recording nothing. Each rule itself is tested in memory
(test_patient.py)."""

from datetime import date, timedelta

import pytest

from domain.clinical_time import DatedInFutureError
from domain.consent import ConsentNotActiveError
from domain.erasure import RetentionPeriodRunningError
from domain.errors import DuplicateMrnError
from domain.personal_data import PersonalDataErasedError
from domain.standing import NoScreeningError, NotEligibleError
from tests.clinic import CLINICIAN, PERSON, RECEPTIONIST, answers, person_born, plan


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
    with clinic.refuses(DatedInFutureError):
        records.register_patient("clinic-a", "MRN-9", PERSON, RECEPTIONIST,
                                 occurred_at=clock() + timedelta(minutes=6))


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


def test_screening_judges_age_on_the_unsealed_date_of_birth(clinic, records, clock):
    today = clock().date()
    patient_id = clinic.patient(person_born(today.replace(year=today.year - 17)))
    screening = records.screen(patient_id, answers(), CLINICIAN)
    assert (screening.result, screening.reasons) == ("ineligible", ("under_18",))
    assert records.patient(patient_id).version == screening.version == 2


def test_no_course_without_a_screening(clinic, records):
    patient_id = clinic.patient()
    with clinic.refuses(NoScreeningError):
        records.plan_course(patient_id, plan(), CLINICIAN)


def test_no_course_after_an_ineligible_screening(clinic, records):
    patient_id = clinic.screened_patient("pregnancy")
    with clinic.refuses(NotEligibleError):
        records.plan_course(patient_id, plan(), CLINICIAN)


def test_amending_an_erased_patient_is_refused(clinic, records):
    patient_id = clinic.patient()
    records.vault.destroy_key(patient_id)
    with clinic.refuses(PersonalDataErasedError):
        records.amend_personal_data(patient_id, PERSON, "new phone", RECEPTIONIST)
    with clinic.refuses(PersonalDataErasedError):
        records.screen(patient_id, answers(), CLINICIAN)


class LastEntry:
    """The patient's last entry as a view would tell it (the PatientActivity port)."""

    def __init__(self, at) -> None:
        self.at = at

    def last_entry_at(self, patient_id):
        return self.at


def test_erasure_is_refused_and_recorded_while_retention_runs(clinic, records, clock):
    patient_id = clinic.patient()
    records.activity = LastEntry(clock())
    with pytest.raises(RetentionPeriodRunningError) as refusal:
        records.request_erasure(patient_id, "patient's request", CLINICIAN)
    assert refusal.value.position == clinic.log_position()
    assert records.personal_data(patient_id) == PERSON


def test_erasure_after_retention_destroys_the_patients_key(clinic, records, clock):
    patient_id = clinic.patient()
    clock.advance(days=366 * 10)
    records.activity = LastEntry(clock() - timedelta(days=366 * 10))
    assert records.request_erasure(patient_id, "patient's request", CLINICIAN).version == 2
    with pytest.raises(PersonalDataErasedError):
        records.personal_data(patient_id)
