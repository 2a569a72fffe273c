"""Clinical time and MRNs through ClinicalRecords, on real SQLite and PostgreSQL: refusals
record nothing, a late entry keeps its reason, MRNs clash however they are typed."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.clinical_time import (
    BackdatedTooFarError,
    BeforeRegistrationError,
    ImplausibleBirthDateError,
    LateEntryUnexplainedError,
)
from domain.errors import DuplicateMrnError
from domain.mrn_index import MrnIndex
from domain.patient import Patient
from domain.personal_data import seal
from tests.clinic import (
    CLINICIAN,
    PERSON,
    RECEPTIONIST,
    dose,
    formula,
    ingredient,
    person_born,
    treatment_consent,
)

DAY = timedelta(days=1)


def test_an_injection_400_days_back_is_refused_and_nothing_recorded(clinic, records, clock):
    course_id = clinic.formulated_course()
    with clinic.refuses(BackdatedTooFarError):
        records.inject(course_id, dose(), CLINICIAN, occurred_at=clock() - 400 * DAY,
                       late_entry_reason="found in the paper chart")


def test_a_late_entry_without_a_reason_is_refused(clinic, records, clock):
    course_id = clinic.formulated_course()
    clock.advance(days=2)
    with clinic.refuses(LateEntryUnexplainedError):
        records.inject(course_id, dose(), CLINICIAN, occurred_at=clock() - 2 * DAY)


def test_a_late_entry_is_recorded_with_its_reason(clinic, records, clock):
    course_id = clinic.formulated_course()
    clock.advance(days=2)
    saved = records.inject(course_id, dose(), CLINICIAN, occurred_at=clock() - 2 * DAY,
                           late_entry_reason="charted on paper during a power cut")
    entry = records.entry(course_id, saved.version)
    assert entry.late_entry_reason == "charted on paper during a power cut"


def test_a_mix_of_a_lot_expired_in_2021_dated_2020_is_refused(clinic, records):
    course_id = clinic.course()
    with clinic.refuses(BackdatedTooFarError):
        records.formulate(course_id, formula(ingredient(expiry=date(2021, 6, 30))), CLINICIAN,
                          occurred_at=datetime(2020, 3, 1, 9, tzinfo=UTC),
                          late_entry_reason="copied from the old system")


def test_a_registration_before_a_consent_dated_earlier_refuses_the_consent(clinic, records,
                                                                            clock):
    patient_id = clinic.patient()
    with clinic.refuses(BeforeRegistrationError):
        records.give_consent(patient_id, treatment_consent(clock() - DAY), RECEPTIONIST,
                             occurred_at=clock() - DAY)


@pytest.mark.parametrize("birth", [date(2027, 1, 1), date(1, 1, 1)])
def test_a_date_of_birth_in_the_future_or_in_year_one_is_refused(clinic, records, birth):
    with clinic.refuses(ImplausibleBirthDateError):
        records.register_patient("clinic-a", "MRN-5", person_born(birth), RECEPTIONIST)


@pytest.mark.parametrize("variant", ["b-1001", " B-1001", "B\u20111001", "\uff22-1001",
                                     "B\u22121001 "])
def test_mrn_variants_clash_with_the_registered_mrn_named(clinic, records, variant):
    clinic.patient(mrn="B-1001")
    with clinic.refuses(DuplicateMrnError) as refusal:
        clinic.patient(mrn=variant)
    assert "MRN B-1001" in refusal.value.detail
    assert records.patient_by_mrn("clinic-a", variant) == records.patient_by_mrn(
        "clinic-a", "B-1001")


def test_the_mrn_is_kept_as_typed_for_display(clinic, records):
    patient_id = clinic.patient(mrn="Ｂ-1002")
    assert records.patient(patient_id).mrn == "Ｂ-1002"


def test_an_mrn_registered_before_normalisation_still_clashes(clinic, records, clock):
    """A store written before MRNs were normalised keyed the index by the MRN as typed."""
    patient_id = uuid4()
    sealed = seal(records.vault.create_key(patient_id), patient_id, PERSON)
    old = Patient.register(patient_id, "clinic-a", "B-2001", sealed, RECEPTIONIST, clock())
    claim = MrnIndex._create(MrnIndex.Claimed, id=MrnIndex.id_as_typed("clinic-a", "B-2001"),
                             patient_id=patient_id, actor=RECEPTIONIST)
    records.save(old, claim)
    for variant in ("b-2001", " B-2001"):
        with clinic.refuses(DuplicateMrnError) as refusal:
            clinic.patient(mrn=variant)
        assert "MRN B-2001" in refusal.value.detail
    assert records.patient_by_mrn("clinic-a", "B-2001") == patient_id
