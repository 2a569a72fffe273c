"""lot_safety's exposures: which patients received a lot, for a recall; voided injections
left out unless asked for; a lot is its product and number together."""

from projections.lot_safety import tables
from tests.clinic import (
    CLINICIAN,
    LEFT_THIGH,
    RECEPTIONIST,
    answers,
    dose,
    formula,
    plan,
    treatment_consent,
)

recall = tables.exposures


def formulated_course(clinic, records, mrn: str, clinic_name: str = "clinic-a"):
    """A screened, consenting patient with one formulated course (lots CAF-001, CAR-002)."""
    patient_id = clinic.patient(mrn=mrn, clinic=clinic_name)
    records.give_consent(patient_id, treatment_consent(clinic.clock()), RECEPTIONIST)
    records.screen(patient_id, answers(), CLINICIAN)
    course_id = records.plan_course(patient_id, plan(), CLINICIAN).id
    records.formulate(course_id, formula(), CLINICIAN)
    return patient_id, course_id


def test_recall_lists_every_injection_that_used_the_lot(clinic, records, clock, views):
    first_patient, first_course = formulated_course(clinic, records, "MRN-0001")
    views(recall, "CAF-001")  # the first course is known from an earlier batch
    second_patient, second_course = formulated_course(clinic, records, "MRN-0002",
                                                      "clinic-b")
    first_day = clock.now.date().isoformat()
    injected = records.inject(first_course, dose(lots=("CAF-001", "CAR-002")), CLINICIAN)
    clock.advance(days=1)
    records.inject(second_course, dose(session=1), CLINICIAN)
    records.inject(second_course, dose(session=1, lots=("CAR-002",)), CLINICIAN)
    found = views(recall, "CAF-001")
    assert [(e["patient_id"], e["clinic"], e["course_id"]) for e in found] == [
        (str(first_patient), "clinic-a", str(first_course)),
        (str(second_patient), "clinic-b", str(second_course))]
    assert found[0] == {
        "product": "caffeine 2%", "lot": "CAF-001", "patient_id": str(first_patient),
        "clinic": "clinic-a",
        "course_id": str(first_course), "injection_version": injected.version,
        "area": LEFT_THIGH.area, "laterality": LEFT_THIGH.laterality, "session": 1,
        "date": first_day, "voided": False}
    assert found[1]["date"] > first_day
    assert [e["patient_id"] for e in views(recall, "CAF-001", clinic="clinic-b")] == \
        [str(second_patient)]
    assert len(views(recall, "CAR-002")) == 2


def test_voided_injection_leaves_the_recall(clinic, records, views):
    _, course_id = formulated_course(clinic, records, "MRN-0001")
    kept = records.inject(course_id, dose(session=1), CLINICIAN)
    voided = records.inject(course_id, dose(session=1, volume="1"), CLINICIAN)
    assert len(views(recall, "CAF-001")) == 2
    records.void_entry(course_id, voided.version, "charted twice", CLINICIAN)
    assert [e["injection_version"] for e in views(recall, "CAF-001")] == [kept.version]
    every = views(recall, "CAF-001", include_voided=True)
    assert {(e["injection_version"], e["voided"]) for e in every} == \
        {(kept.version, False), (voided.version, True)}


def test_lot_never_used_recalls_nothing(clinic, records, views):
    _, course_id = formulated_course(clinic, records, "MRN-0001")
    records.inject(course_id, dose(), CLINICIAN)
    assert views(recall, "CAF-001")
    assert views(recall, "NEVER-USED-999") == []


def test_two_products_sharing_a_lot_number_are_two_lots(clinic, records, views):
    from tests.clinic import ingredient
    patient_id = clinic.screened_patient()
    course_id = records.plan_course(patient_id, plan(), CLINICIAN).id
    records.formulate(course_id, formula(ingredient(), ingredient(
        "l-carnitine", "CAF-001", amount="250", category="amino_acid")), CLINICIAN)
    records.inject(course_id, dose(lots=("CAF-001",)), CLINICIAN)

    both = views(recall, "CAF-001")
    assert sorted(e["product"] for e in both) == ["caffeine 2%", "l-carnitine 2%"]
    assert [e["product"] for e in views(recall, "CAF-001", product="l-carnitine 2%")] == [
        "l-carnitine 2%"]
