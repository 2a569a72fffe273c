"""Recalls stop a lot: its product and lot number together, in the clinic it is recalled
for (a regulator's: every clinic), from the recall on; nothing refused is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.lots import ProductLot
from domain.recall import EVERY_CLINIC, LotRecalledError, NotRecalledHereError
from domain.values import Actor
from tests.clinic import CLINICIAN, answers, dose, formula, ingredient, plan, treatment_consent

REGULATOR = Actor("u-reg-1", "Inspector Lee", "regulator")
CAFFEINE_LOT = ProductLot("caffeine 2%", "CAF-001")
SHARED_NUMBER = ingredient("l-carnitine", "CAF-001", amount="250", category="amino_acid")


def course_in(clinic, records, clinic_name: str, mrn: str = "MRN-0001"):
    patient_id = clinic.patient(mrn=mrn, clinic=clinic_name)
    records.give_consent(patient_id, treatment_consent(clinic.clock()), CLINICIAN)
    records.screen(patient_id, answers(), CLINICIAN)
    return records.plan_course(patient_id, plan(), CLINICIAN).id


def test_a_recalled_lot_cannot_be_mixed_but_another_product_with_its_number_can(
        clinic, records):
    course_id = course_in(clinic, records, "clinic-a")
    records.recall_lot(CAFFEINE_LOT, "clinic-a", "sterility failure", CLINICIAN)

    with clinic.refuses(LotRecalledError) as refused:
        records.formulate(course_id, formula(), CLINICIAN)
    assert "caffeine 2% lot CAF-001" in str(refused.value)
    records.formulate(course_id, formula(SHARED_NUMBER), CLINICIAN)


def test_a_mix_made_before_the_recall_cannot_be_injected_after_it(clinic, records):
    """The whole mix is injected, whichever of its lots the injection names."""
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(1), CLINICIAN)
    records.recall_lot(CAFFEINE_LOT, "clinic-a", "sterility failure", CLINICIAN)

    with clinic.refuses(LotRecalledError):
        records.inject(course_id, dose(1, volume="1"), CLINICIAN)
    with clinic.refuses(LotRecalledError):
        records.inject(course_id, dose(1, volume="1", lots=("CAR-002",)), CLINICIAN)


def test_a_mix_of_the_other_product_with_the_recalled_number_can_be_injected(
        clinic, records):
    course_id = course_in(clinic, records, "clinic-a")
    records.formulate(course_id, formula(SHARED_NUMBER), CLINICIAN)
    records.recall_lot(CAFFEINE_LOT, EVERY_CLINIC, "manufacturer's recall", REGULATOR)
    records.inject(course_id, dose(1, lots=("CAF-001",)), CLINICIAN)


def test_care_given_before_the_recall_may_still_be_charted_late(clinic, records, clock):
    course_id = clinic.formulated_course()
    given_at = clock() + timedelta(hours=1)
    clock.advance(hours=2)
    records.recall_lot(CAFFEINE_LOT, "clinic-a", "sterility failure", CLINICIAN)
    clock.advance(days=2)
    records.inject(course_id, dose(1), CLINICIAN, occurred_at=given_at,
                   late_entry_reason="charted after the clinic's power cut")


def test_a_clinics_recall_stops_its_own_use_only_and_a_regulators_stops_every_clinic(
        clinic, records):
    in_a = course_in(clinic, records, "clinic-a")
    in_b = course_in(clinic, records, "clinic-b")
    records.recall_lot(CAFFEINE_LOT, "clinic-a", "sterility failure", CLINICIAN)
    records.formulate(in_b, formula(), CLINICIAN)
    with clinic.refuses(LotRecalledError):
        records.formulate(in_a, formula(), CLINICIAN)

    records.recall_lot(CAFFEINE_LOT, EVERY_CLINIC, "manufacturer's recall", REGULATOR)
    with clinic.refuses(LotRecalledError):
        records.inject(in_b, dose(1), CLINICIAN)


def test_a_lot_recalled_twice_for_the_same_clinic_is_refused(clinic, records):
    records.recall_lot(CAFFEINE_LOT, "clinic-a", "sterility failure", CLINICIAN)
    with clinic.refuses(LotRecalledError):
        records.recall_lot(CAFFEINE_LOT, "clinic-a", "again", CLINICIAN)


def test_a_contact_is_recorded_only_where_the_lot_is_recalled(clinic, records):
    patient_id = clinic.patient()
    records.recall_lot(CAFFEINE_LOT, "clinic-b", "sterility failure", CLINICIAN)
    with clinic.refuses(NotRecalledHereError):
        records.record_recall_contact(CAFFEINE_LOT, patient_id, "phone", True, CLINICIAN)
    records.recall_lot(CAFFEINE_LOT, "clinic-a", "sterility failure", CLINICIAN)
    recorded = records.record_recall_contact(CAFFEINE_LOT, patient_id, "phone", True,
                                             CLINICIAN)
    assert recorded.version == 4


@pytest.mark.parametrize("method", ["fax", ""])
def test_a_contact_by_an_unknown_method_is_malformed(clinic, records, method):
    from domain.errors import InvalidEntry
    patient_id = clinic.patient()
    records.recall_lot(CAFFEINE_LOT, "clinic-a", "sterility failure", CLINICIAN)
    with clinic.refuses(InvalidEntry):
        records.record_recall_contact(CAFFEINE_LOT, patient_id, method, True, CLINICIAN)
