"""Safety signals by product and lot: a synthetic outbreak across three clinics raises
exactly the contaminated lot's signal, not another product's lot with the same number;
voided entries count nowhere; a rebuilt view equals the live one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.entries import AdverseEventReport
from domain.lots import ProductLot
from domain.values import Actor
from projections.lot_safety.signals import SignalRules, lot_figures
from projections.lot_safety.tables import TABLES as SAFETY_TABLES
from tests.clinic import (
    CLINICIAN,
    LEFT_THIGH,
    adverse_event,
    answers,
    dose,
    formula,
    ingredient,
    plan,
    treatment_consent,
)
from tests.projections.test_exactly_once import rebuilt_rows, view_rows

CONTAMINATED = ingredient("caffeine", "L-77")  # product "caffeine 2%"
SAME_NUMBER = ingredient("l-carnitine", "L-77", amount="250", category="amino_acid")
CLEAN = ingredient("caffeine", "L-78")
CONTAMINATED_LOT = ProductLot("caffeine 2%", "L-77")
CLINICS = ("clinic-a", "clinic-b", "clinic-c")
REGULATOR = Actor("u-reg-1", "Inspector Lee", "regulator")


def treated(clinic, records, clinic_name: str, mrn: str, *ingredients, lots=None):
    """A patient of the clinic injected once with a mix of these ingredients."""
    patient_id = clinic.patient(mrn=mrn, clinic=clinic_name)
    records.give_consent(patient_id, treatment_consent(clinic.clock()), CLINICIAN)
    records.screen(patient_id, answers(), CLINICIAN)
    course_id = records.plan_course(patient_id, plan(), CLINICIAN).id
    records.formulate(course_id, formula(*ingredients), CLINICIAN)
    lots = lots or tuple(dict.fromkeys(i.lot for i in ingredients))
    injected = records.inject(course_id, dose(1, lots=lots), CLINICIAN)
    return course_id, injected.version


def infection(records, clock, course_id, **suspects) -> int:
    """An atypical mycobacterial infection beginning now; its entry's version."""
    report = AdverseEventReport(LEFT_THIGH, "atypical_mycobacterial_infection", "moderate",
                                False, clock(), "clarithromycin started", **suspects)
    return records.report_adverse_event(course_id, report, CLINICIAN).version


def signals_of(views, rules: SignalRules | None = None, clinic=None) -> dict:
    figures = views(lot_figures, rules or SignalRules(), clinic)
    return {(f.product, f.lot): f for f in figures}


def outbreak(clinic, records, clock) -> dict:
    """Three clinics: each injects one patient with the contaminated lot and one with the
    other product's lot of the same number; a month later the first ones are infected."""
    courses = {name: treated(clinic, records, name, f"MRN-{number}-1", CONTAMINATED)[0]
               for number, name in enumerate(CLINICS)}
    for number, name in enumerate(CLINICS):
        treated(clinic, records, name, f"MRN-{number}-2", SAME_NUMBER)
    clock.advance(days=30)
    return {name: (course_id, infection(records, clock, course_id))
            for name, course_id in courses.items()}


def test_an_outbreak_across_three_clinics_raises_exactly_the_contaminated_lots_signal(
        clinic, records, clock, views):
    outbreak(clinic, records, clock)

    found = signals_of(views)
    raised = {lot: f.signals for lot, f in found.items() if f.signals}
    assert raised == {("caffeine 2%", "L-77"): ["infection_cluster"]}
    contaminated, other = found[("caffeine 2%", "L-77")], found[("l-carnitine 2%", "L-77")]
    assert (contaminated.injections, contaminated.patients, contaminated.infections) == (3, 3, 3)
    assert contaminated.rate_per_1000 == Decimal("1000.0")
    assert (other.injections, other.events) == (3, 0)


def test_a_clinic_sees_its_own_figures_and_the_signal_raised_across_clinics(
        clinic, records, clock, views):
    outbreak(clinic, records, clock)

    in_b = signals_of(views, clinic="clinic-b")
    assert in_b[("caffeine 2%", "L-77")].signals == ["infection_cluster"]
    assert (in_b[("caffeine 2%", "L-77")].injections, in_b[("caffeine 2%", "L-77")].events) \
        == (1, 1)


def test_an_infection_naming_an_old_style_lot_number_counts_for_its_product_only(
        clinic, records, clock, views):
    course_a, _ = treated(clinic, records, "clinic-a", "MRN-1", CONTAMINATED, SAME_NUMBER)
    course_b, _ = treated(clinic, records, "clinic-b", "MRN-2", CONTAMINATED, SAME_NUMBER)
    clock.advance(days=20)
    for course_id in (course_a, course_b):
        infection(records, clock, course_id,
                  suspected_product_lots=(CONTAMINATED_LOT,))

    raised = {lot for lot, f in signals_of(views).items() if f.signals}
    assert raised == {("caffeine 2%", "L-77")}


def test_an_infection_after_the_window_counts_for_no_lot(clinic, records, clock, views):
    for number, name in enumerate(CLINICS[:2]):
        course_id, _ = treated(clinic, records, name, f"MRN-{number}", CONTAMINATED)
        clock.advance(days=85)
        infection(records, clock, course_id)

    assert signals_of(views)[("caffeine 2%", "L-77")].events == 0


def test_an_injection_charted_after_an_infection_but_given_before_it_counts_it(
        clinic, records, clock, views):
    three_weeks = SignalRules(window_days=21)
    course_id, _ = treated(clinic, records, "clinic-a", "MRN-1", CONTAMINATED)
    clock.advance(days=25)
    infection(records, clock, course_id)
    assert signals_of(views, three_weeks)[("caffeine 2%", "L-77")].events == 0  # too late
    clock.advance(days=1)
    records.inject(course_id, dose(2, lots=("L-77",)), CLINICIAN,
                   occurred_at=clock() - timedelta(days=6),
                   late_entry_reason="charted after the clinic closed")
    records.inject(course_id, dose(3, lots=("L-77",), interval_override="infection review"),
                   CLINICIAN)  # after the onset: counts for nothing
    found = signals_of(views, three_weeks)[("caffeine 2%", "L-77")]
    assert (found.injections, found.events) == (3, 1)


def test_voided_injections_and_adverse_events_count_nowhere(clinic, records, clock, views):
    courses = outbreak(clinic, records, clock)
    (first, first_infection), (second, second_infection) = courses["clinic-a"], courses[
        "clinic-b"]
    records.void_entry(first, first_infection, "reported on the wrong patient", CLINICIAN)
    assert signals_of(views)[("caffeine 2%", "L-77")].infections == 2
    injection = records.inject(second, dose(2, lots=("L-77",)), CLINICIAN)
    records.void_entry(second, injection.version, "charted twice", CLINICIAN)
    records.void_entry(second, second_infection, "reported on the wrong patient", CLINICIAN)

    contaminated = signals_of(views)[("caffeine 2%", "L-77")]
    assert (contaminated.injections, contaminated.infections, contaminated.signals) == (
        3, 1, [])


def test_a_lot_far_above_its_products_rate_raises_a_signal(clinic, records, clock, views):
    bruised = [treated(clinic, records, "clinic-a", f"MRN-B{n}", CONTAMINATED)[0]
               for n in range(3)]
    for n in range(9):
        treated(clinic, records, "clinic-b", f"MRN-C{n}", CLEAN)
    clock.advance(days=2)
    for course_id in bruised:
        records.report_adverse_event(course_id, adverse_event(clock()), CLINICIAN)

    found = signals_of(views)
    assert found[("caffeine 2%", "L-77")].signals == ["rate_above_product"]
    assert found[("caffeine 2%", "L-78")].signals == []
    assert signals_of(views, SignalRules(rate_ratio=Decimal(5)))[
        ("caffeine 2%", "L-77")].signals == []


def test_rebuilt_safety_view_equals_the_live_one(clinic, records, clock, runner):
    courses = outbreak(clinic, records, clock)
    runner.catch_up()
    records.void_entry(*courses["clinic-c"], "entered in error", CLINICIAN)
    second = courses["clinic-b"][0]
    injection = records.inject(second, dose(2, lots=("L-77",)), CLINICIAN)
    records.void_entry(second, injection.version, "charted twice", CLINICIAN)
    records.recall_lot(CONTAMINATED_LOT, "*", "outbreak", REGULATOR)
    exposed = records.course(courses["clinic-a"][0]).patient_id
    records.record_recall_contact(CONTAMINATED_LOT, exposed, "phone", True, CLINICIAN)
    runner.catch_up()
    live = {t: rows for t, rows in view_rows(runner).items() if t in SAFETY_TABLES}
    assert all(live[t] for t in ("safety_exposures", "safety_events", "safety_attributions"))
    assert any("1)" in row for row in live["safety_exposures"])  # the voided injection
    for batch_size in (1000, 4):  # each course's entries in one batch, and across many
        runner.batch_size = batch_size
        rebuilt = rebuilt_rows(runner)
        assert {t: rebuilt[t] for t in SAFETY_TABLES} == live, batch_size
