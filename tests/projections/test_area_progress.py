"""area_progress: per course × area, what was given, how the area responded, what is due."""

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.entries import CoursePlan
from domain.values import Site
from infra.projecting import open_runner
from projections.area_progress import AreaProgress
from tests.clinic import (
    ABDOMEN,
    CLINICIAN,
    LEFT_THIGH,
    THIGHS,
    adverse_event,
    answers,
    days,
    dose,
    formula,
    ingredient,
    outcome,
    plan,
)
from tests.projections.test_exactly_once import read_from

RIGHT_THIGH = Site("thighs.lateral", "right")
VERTEX = Site("scalp.vertex", "midline")
BOTH = ("cellulite", "alopecia")


def later(clinic, patient_id, n: int) -> None:
    """n days pass; the patient is screened again so treatment may go on."""
    clinic.clock.advance(days=n)
    clinic.records.screen(patient_id, answers(indications=BOTH), CLINICIAN)


def row(rows: list[dict], site: Site) -> dict:
    [found] = [r for r in rows if (r["area"], r["laterality"]) == (site.area, site.laterality)]
    return found


def scores(area: dict) -> dict:
    return {s["scale"]: (s["baseline"], s["latest"], s["improvement"]) for s in area["scores"]}


def patient_of(records, course_id):
    return records.course(course_id).patient_id


def test_a_patients_courses_show_progress_per_area(clinic, records, views):
    patient_id = clinic.screened_patient(indications=BOTH)
    start = clinic.clock().date()
    cellulite = records.plan_course(patient_id, plan(THIGHS, ABDOMEN), CLINICIAN).id
    records.formulate(cellulite, formula(), CLINICIAN)
    records.assess_outcome(cellulite, outcome("9"), CLINICIAN)
    records.assess_outcome(cellulite, outcome("8", site=ABDOMEN), CLINICIAN)
    for site, volume in ((LEFT_THIGH, "2"), (RIGHT_THIGH, "1.5"), (ABDOMEN, "1")):
        records.inject(cellulite, dose(1, site, volume=volume), CLINICIAN)
    records.assess_outcome(cellulite, outcome("7", "follow_up", 1), CLINICIAN)
    records.report_adverse_event(cellulite, adverse_event(clinic.clock()), CLINICIAN)
    later(clinic, patient_id, 14)
    records.inject(cellulite, dose(2, LEFT_THIGH, volume="2"), CLINICIAN)
    records.assess_outcome(cellulite, outcome("6", "follow_up", 2), CLINICIAN)
    alopecia = records.plan_course(patient_id, plan(VERTEX, indication="alopecia"), CLINICIAN).id
    records.formulate(alopecia, formula(), CLINICIAN)
    records.assess_outcome(alopecia, outcome("120", site=VERTEX, scale="hair_density"),
                           CLINICIAN)
    records.inject(alopecia, dose(1, VERTEX), CLINICIAN)
    records.assess_outcome(alopecia, outcome("150", "follow_up", 1, VERTEX, "hair_density"),
                           CLINICIAN)

    rows = views(AreaProgress.for_patient, patient_id)

    assert [(r["course_id"], r["area"]) for r in rows] == [
        (str(cellulite), "abdomen.central"), (str(cellulite), "thighs.lateral"),
        (str(alopecia), "scalp.vertex")]
    thighs, abdomen, vertex = row(rows, THIGHS), row(rows, ABDOMEN), row(rows, VERTEX)
    assert (thighs["sessions_done"], thighs["sessions_planned"], thighs["volume_ml"],
            thighs["points"]) == (2, 6, Decimal("5.5"), 60)
    assert (thighs["formulation_version"], thighs["ratio"]) == \
        (1, "caffeine 1.00 : l-carnitine 2.50")
    assert (thighs["last_session_on"], thighs["adverse_events"], thighs["status"]) == \
        (start + days(14), 1, "active")
    assert scores(thighs) == {"hexsel_csss": (Decimal(9), Decimal(6), Decimal(3))}
    assert (abdomen["sessions_done"], abdomen["volume_ml"], abdomen["adverse_events"]) == \
        (1, Decimal(1), 0)
    assert scores(abdomen) == {"hexsel_csss": (Decimal(8), None, None)}
    assert scores(vertex) == {"hair_density": (Decimal(120), Decimal(150), Decimal(30))}
    assert (vertex["indication"], vertex["clinic"], vertex["patient_id"]) == \
        ("alopecia", "clinic-a", str(patient_id))


def test_a_voided_injection_drops_out_of_sessions_volume_points_and_mix(clinic, records,
                                                                          views):
    course_id = clinic.formulated_course()
    patient_id, start = patient_of(records, course_id), clinic.clock().date()
    records.inject(course_id, dose(1, volume="2"), CLINICIAN)
    later(clinic, patient_id, 14)
    mix = formula(ingredient(), ingredient("l-carnitine", "CAR-002", amount="500"))
    records.formulate(course_id, mix, CLINICIAN)
    wrong = records.inject(course_id, dose(2, volume="3", formulation_version=2), CLINICIAN)
    before = row(views(AreaProgress.for_course, course_id), THIGHS)
    records.void_entry(course_id, wrong.version, "wrong chart", CLINICIAN)

    after = row(views(AreaProgress.for_course, course_id), THIGHS)

    assert (before["sessions_done"], before["volume_ml"], before["formulation_version"],
            before["ratio"]) == (2, Decimal(5), 2, "caffeine 1.00 : l-carnitine 5.00")
    assert (after["sessions_done"], after["volume_ml"], after["points"]) == (1, Decimal(2), 20)
    assert (after["formulation_version"], after["last_session_on"]) == (1, start)
    assert after["next_due_on"] == start + days(14)


def test_a_voided_outcome_drops_out_of_scores(clinic, records, views):
    course_id = clinic.formulated_course()
    wrong_baseline = records.assess_outcome(course_id, outcome("12"), CLINICIAN)
    records.assess_outcome(course_id, outcome("9"), CLINICIAN)
    records.inject(course_id, dose(1), CLINICIAN)
    records.assess_outcome(course_id, outcome("6", "follow_up", 1), CLINICIAN)
    wrong_follow_up = records.assess_outcome(course_id, outcome("2", "follow_up", 1), CLINICIAN)
    assert scores(row(views(AreaProgress.for_course, course_id), THIGHS)) == \
        {"hexsel_csss": (Decimal(12), Decimal(2), Decimal(10))}

    for wrong in (wrong_baseline, wrong_follow_up):
        records.void_entry(course_id, wrong.version, "entered in error", CLINICIAN)

    assert scores(row(views(AreaProgress.for_course, course_id), THIGHS)) == \
        {"hexsel_csss": (Decimal(9), Decimal(6), Decimal(3))}


def test_a_score_of_zero_is_a_score(clinic, records, views):
    course_id = clinic.formulated_course()
    records.assess_outcome(course_id, outcome("0"), CLINICIAN)
    records.inject(course_id, dose(1), CLINICIAN)
    baseline_only = row(views(AreaProgress.for_course, course_id), THIGHS)
    records.assess_outcome(course_id, outcome("0", "follow_up", 1), CLINICIAN)

    area = row(views(AreaProgress.for_course, course_id), THIGHS)

    assert scores(baseline_only) == {"hexsel_csss": (Decimal(0), None, None)}
    assert scores(area) == {"hexsel_csss": (Decimal(0), Decimal(0), Decimal(0))}


def test_adverse_events_count_in_their_area_or_every_area_and_not_once_voided(
        clinic, records, views):
    course_id = clinic.formulated_course(THIGHS, ABDOMEN)
    records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN)  # events follow an injection
    records.report_adverse_event(course_id, adverse_event(clinic.clock()), CLINICIAN)
    anywhere = replace(adverse_event(clinic.clock(), kind="allergic_reaction"), site=None)
    records.report_adverse_event(course_id, anywhere, CLINICIAN)
    mistaken = records.report_adverse_event(course_id, adverse_event(clinic.clock()), CLINICIAN)
    records.void_entry(course_id, mistaken.version, "reported twice", CLINICIAN)

    rows = views(AreaProgress.for_course, course_id)

    assert (row(rows, THIGHS)["adverse_events"], row(rows, ABDOMEN)["adverse_events"]) == (2, 1)


def test_plan_amendment_changes_sessions_interval_and_areas(clinic, records, views):
    course_id = clinic.formulated_course(THIGHS, sessions=6)
    start = clinic.clock().date()
    records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN)
    amended = CoursePlan("cellulite", (LEFT_THIGH, ABDOMEN), 4, 21)

    records.amend_plan(course_id, amended, "right thigh responded, abdomen added", CLINICIAN)

    rows = views(AreaProgress.for_course, course_id)
    assert [(r["area"], r["laterality"]) for r in rows] == \
        [("abdomen.central", "midline"), ("thighs.lateral", "left")]
    left = row(rows, LEFT_THIGH)
    assert (left["sessions_done"], left["sessions_planned"], left["interval_days"]) == (1, 4, 21)
    assert left["next_due_on"] == start + days(21)
    assert row(rows, ABDOMEN)["sessions_done"] == 0


def test_an_area_dropped_from_the_plan_keeps_what_it_was_given(clinic, records, views):
    course_id = clinic.formulated_course(THIGHS)
    records.inject(course_id, dose(1, LEFT_THIGH, volume="2"), CLINICIAN)

    records.amend_plan(course_id, CoursePlan("cellulite", (ABDOMEN,), 6, 14), "thighs stop",
                       CLINICIAN)

    rows = views(AreaProgress.for_course, course_id)
    assert [(r["area"], r["planned"]) for r in rows] == \
        [("abdomen.central", True), ("thighs.lateral", False)]
    left = row(rows, LEFT_THIGH)
    assert (left["volume_ml"], left["next_due_on"]) == (Decimal(2), None)


def test_a_serious_adverse_event_suspends_the_course_and_clears_the_due_date(
        clinic, records, views):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(1), CLINICIAN)
    records.report_adverse_event(course_id, adverse_event(clinic.clock(), serious=True,
                                                          kind="necrosis"), CLINICIAN)

    suspended = row(views(AreaProgress.for_course, course_id), THIGHS)
    assert (suspended["status"], suspended["adverse_events"], suspended["next_due_on"]) == \
        ("suspended", 1, None)

    records.change_course_status(course_id, "resume", "healed", CLINICIAN)
    resumed = row(views(AreaProgress.for_course, course_id), THIGHS)
    assert (resumed["status"], resumed["next_due_on"]) == \
        ("active", clinic.clock().date() + days(14))


def test_next_due_is_last_session_plus_interval_until_the_sessions_run_out(
        clinic, records, views):
    course_id = clinic.formulated_course(sessions=2)
    patient_id = patient_of(records, course_id)
    assert row(views(AreaProgress.for_course, course_id), THIGHS)["next_due_on"] is None
    records.inject(course_id, dose(1), CLINICIAN)
    first = clinic.clock().date()
    assert row(views(AreaProgress.for_course, course_id), THIGHS)["next_due_on"] == \
        first + days(14)

    later(clinic, patient_id, 17)
    records.inject(course_id, dose(2), CLINICIAN)

    done = row(views(AreaProgress.for_course, course_id), THIGHS)
    assert (done["sessions_done"], done["last_session_on"], done["next_due_on"]) == \
        (2, first + days(17), None)


def test_view_rebuilt_in_small_batches_equals_the_live_view(clinic, records, runner, views):
    test_a_patients_courses_show_progress_per_area(clinic, records, views)
    patient_id = clinic.records.patient_by_mrn("clinic-a", "MRN-0001")
    live = views(AreaProgress.for_patient, patient_id)
    runner.batch_size = 3

    runner.rebuild("area_progress")

    assert views(AreaProgress.for_patient, patient_id) == live and len(live) == 3


def test_a_course_moved_on_by_another_runner_is_read_afresh(clinic, records, settings, views):
    """Each runner remembers the courses it wrote; what another runner wrote in between, or
    a batch that rolled back, must not be mistaken for what is stored."""
    course_id = clinic.formulated_course(LEFT_THIGH)
    given = [records.inject(course_id, dose(1, volume="1"), CLINICIAN)]
    assert row(views(AreaProgress.for_course, course_id), LEFT_THIGH)["volume_ml"] == 1
    other = open_runner(records, settings)
    try:
        given.append(records.inject(course_id, dose(1, volume="2"), CLINICIAN))
        with pytest.raises(RuntimeError), other.views.transaction() as tx:
            other.projections["area_progress"].apply(
                tx, read_from(other, given[-1].position).of("area_progress"))
            raise RuntimeError("the batch's transaction fails")
        given.append(records.inject(course_id, dose(1, volume="4"), CLINICIAN))
        other.catch_up()
        clinic.clock.advance(days=14)  # the plan's interval
        given.append(records.inject(course_id, dose(2, volume="3"), CLINICIAN))

        area = row(views(AreaProgress.for_course, course_id), LEFT_THIGH)
    finally:
        other.views.close()
    assert (area["volume_ml"], area["sessions_done"]) == (10, 2)
