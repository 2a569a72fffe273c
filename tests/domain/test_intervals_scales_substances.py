"""Session intervals, scales that fit their areas, and allergies that catch every form of a
substance: in memory, given / when / then."""

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.course import TreatmentCourse
from domain.course_refusals import (
    AllergenInFormulationError,
    ScaleNotForAreaError,
    SessionTooSoonError,
)
from domain.entries import Outcome
from domain.substances import identify, same_substance
from domain.values import Site
from tests.clinic import CLINICIAN, THIGHS, dose, formula, ingredient, outcome, plan
from tests.domain.given import NOW, POLICY, course, recorded, standing
from tests.domain.test_course import inject, refused

DAY = timedelta(days=1)


def test_same_day_sessions_in_an_area_are_refused():
    given = course()  # a plan of a session every 14 days
    inject(given, 1)
    recorded(given)
    error = refused(SessionTooSoonError, given.inject, *_dose(2, NOW + timedelta(hours=3)))
    assert error.rule == "session_too_soon" and "14 days" in error.detail


def test_the_next_session_within_the_clinics_tolerance_is_accepted():
    given = course()
    inject(given, 1)
    inject(given, 2, at=NOW + 12 * DAY)  # 14 days less the default 2 days' tolerance
    recorded(given)
    refused(SessionTooSoonError, given.inject, *_dose(3, NOW + 23 * DAY))


def test_a_session_sooner_than_the_interval_goes_ahead_with_a_written_override():
    given = course()
    inject(given, 1)
    recorded(given)
    inject(given, 2, at=NOW + 2 * DAY, interval_override="patient travels abroad next week")
    [entry] = given.collect_events()
    assert entry.dose.interval_override == "patient travels abroad next week"


def test_a_second_area_in_the_same_session_is_not_a_new_session():
    given = course(the_plan=plan(THIGHS, Site("abdomen.central", "midline")))
    inject(given, 1)
    inject(given, 1, Site("abdomen.central", "midline"), at=NOW + timedelta(hours=1))
    assert recorded(given)[-2:] == [TreatmentCourse.Injected, TreatmentCourse.Injected]


def _dose(session: int, at):
    return dose(session), standing(), POLICY, CLINICIAN, at


# --- scales fit areas ---------------------------------------------------------------------

def test_hair_density_on_the_thighs_is_refused_naming_both():
    error = refused(ScaleNotForAreaError, course().assess_outcome,
                    Outcome(THIGHS, "hair_density", Decimal(120), "baseline", 0), CLINICIAN, NOW)
    assert "hair_density" in error.detail and "thighs.lateral" in error.detail


@pytest.mark.parametrize("scale, score", [("hexsel_csss", "9"), ("gais", "3")])
def test_a_scale_made_for_the_area_is_recorded(scale, score):
    given = course()
    given.assess_outcome(outcome(score, scale=scale), CLINICIAN, NOW)
    assert recorded(given) == [TreatmentCourse.OutcomeAssessed]


# --- substances ---------------------------------------------------------------------------

def test_a_lidocaine_allergy_refuses_a_mix_with_lidocaine_hydrochloride():
    given = course()
    error = refused(AllergenInFormulationError, given.formulate,
                    formula(ingredient("LIDOCAINE hydrochloride", category="local_anaesthetic")),
                    standing(allergies=("Lidocaine",)), CLINICIAN, NOW)
    assert "Lidocaine".casefold() in error.detail.casefold()
    assert "LIDOCAINE hydrochloride" in error.detail


@pytest.mark.parametrize("allergy, ingredient_named", [
    ("vitamin C", "ascorbic acid"), ("ascorbic acid", "Sodium ascorbate"),
    ("lignocaine", "Xylocaine 2%"), ("hyaluronic acid", "sodium hyaluronate"),
    ("Vitamin B12", "cyanocobalamin"), ("biotin", "vitamin B7"),
    ("Phosphatidylcholine", "soy lecithin"), ("Procaïne", "procaine HCl"),
])
def test_every_form_of_a_substance_is_the_same_substance(allergy, ingredient_named):
    assert same_substance(allergy, ingredient_named)


@pytest.mark.parametrize("allergy, ingredient_named", [
    ("vitamin C", "vitamin E"), ("lidocaine", "procaine"), ("caffeine", "l-carnitine"),
    ("sodium chloride", "sodium hyaluronate"),
])
def test_different_substances_are_not_confused(allergy, ingredient_named):
    assert not same_substance(allergy, ingredient_named)


def test_an_unknown_substance_is_matched_word_by_word():
    assert identify("Arnica montana") == frozenset()
    assert same_substance("arnica", "ARNICA montana extract")
    assert not same_substance("arnica montana", "arnica")
