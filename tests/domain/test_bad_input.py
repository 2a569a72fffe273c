"""Malformed entries are refused at the door with the field named, never deep in the library."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.clinical_time import DatedInFutureError
from domain.entries import CoursePlan, Dose, Outcome
from domain.errors import InvalidEntry
from domain.formulation import Ingredient
from domain.personal_data import PersonalData
from domain.values import Actor, Site
from tests.clinic import CLINICIAN, LEFT_THIGH, THIGHS, dose


@pytest.mark.parametrize("build, field", [
    (lambda: Site("thighs.everywhere", "left"), "area"),
    (lambda: Site("face.forehead", "left"), "laterality"),
    (lambda: dose(volume="-1"), "volume_ml"),
    (lambda: dose(volume="NaN"), "volume_ml"),
    (lambda: dose(technique="sandblasting"), "technique"),
    (lambda: dose(session=0), "session"),
    (lambda: dose(lots=()), "lots"),
    (lambda: Dose("1", LEFT_THIGH, "nappage", Decimal(3), 30, Decimal(4), 20, Decimal(2),
                  1, ("L",)), "session"),
    (lambda: Dose(1, LEFT_THIGH, "nappage", 3.0, 30, Decimal(4), 20, Decimal(2), 1, ("L",)),
     "depth_mm"),
    (lambda: Dose(1, LEFT_THIGH, "nappage", Decimal(3), 25, Decimal(4), 20, Decimal(2), 1,
                  ("L",)), "needle_gauge"),
    (lambda: Outcome(THIGHS, "happiness", Decimal(3), "baseline", 0), "scale"),
    (lambda: CoursePlan("cellulite", (THIGHS,), 21, 14), "sessions"),
    (lambda: CoursePlan("cellulite", (THIGHS,), 6, 91), "interval_days"),
    (lambda: CoursePlan("tattoo_removal", (THIGHS,), 6, 14), "indication"),
    (lambda: CoursePlan("cellulite", (THIGHS, THIGHS), 6, 14), "areas"),
    (lambda: Ingredient("caffeine", "other", Decimal(0), "mg", "p", "L", date(2030, 1, 1)),
     "ingredients.amount"),
    (lambda: Ingredient("caffeine", "other", Decimal(1), "kg", "p", "L", date(2030, 1, 1)),
     "ingredients.unit"),
    (lambda: PersonalData("", date(1990, 1, 1), "female"), "name"),
    (lambda: PersonalData("Ann", "1990-01-01", "female"), "date_of_birth"),
    (lambda: Actor("u1", "Someone", "superuser"), "actor.role"),
])
def test_malformed_entry_is_refused_naming_the_field(build, field):
    with pytest.raises(InvalidEntry) as refusal:
        build()
    assert refusal.value.field == field


def test_future_clinical_time_is_refused_and_nothing_recorded(clinic, records, clock):
    course_id = clinic.formulated_course()
    with clinic.refuses(DatedInFutureError):
        records.inject(course_id, dose(), CLINICIAN,
                       occurred_at=clock() + timedelta(minutes=5, seconds=1))


def test_a_course_status_action_that_does_not_exist_is_malformed_not_a_rule(clinic, records):
    course_id = clinic.formulated_course()
    with clinic.refuses(InvalidEntry) as refusal:
        records.change_course_status(course_id, "pause-forever", "patient asked", CLINICIAN)
    assert refusal.value.field == "action"
