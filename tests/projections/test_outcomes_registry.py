"""The outcomes registry: a population whose areas improve with sessions shows the trend;
small groups are suppressed where the registry crosses clinics only; voided entries count
nowhere; the bootstrap interval is the same every time; a rebuilt view equals the live one."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest

from domain.protocol import Component
from infra.projecting import open_runner
from projections.outcomes import tables, tally
from projections.outcomes.registry import AGE_BANDS, bootstrap_interval, points_of, registry
from projections.outcomes.spread import Spread, median, quartiles
from projections.outcomes.tables import TABLES as OUTCOME_TABLES
from tests.clinic import (
    CLINICIAN,
    LEFT_THIGH,
    answers,
    dose,
    formula,
    outcome,
    plan,
    treatment_consent,
)
from tests.projections.test_exactly_once import rebuilt_rows, view_rows

LIPOLYTIC = (Component("caffeine", "other", Decimal("100"), "mg"),
             Component("l-carnitine", "amino_acid", Decimal("250"), "mg"))


def treated_population(clinic, records, clock, clinic_name: str, patients: int,
                       protocol_id=None, first_mrn: int = 0) -> list:
    """Patients whose left thigh's Hexsel score falls by one point a session from 12 (plus
    a patient-specific offset), over three sessions."""
    courses = []
    for n in range(first_mrn, first_mrn + patients):
        patient_id = clinic.patient(mrn=f"MRN-{n}", clinic=clinic_name)
        records.give_consent(patient_id, treatment_consent(clock()), CLINICIAN)
        records.screen(patient_id, answers(), CLINICIAN)
        course_id = records.plan_course(patient_id, plan(LEFT_THIGH), CLINICIAN).id
        records.formulate(course_id, replace(formula(), protocol_id=protocol_id), CLINICIAN)
        baseline = 12 - n % 3
        records.assess_outcome(course_id, outcome(str(baseline), site=LEFT_THIGH), CLINICIAN)
        courses.append((course_id, baseline))
    for session in (1, 2, 3):
        for course_id, baseline in courses:
            records.inject(course_id, dose(session, interval_override="registry test"),
                           CLINICIAN)
            records.assess_outcome(course_id, outcome(
                str(baseline - session - (session > 2)), "follow_up", session, LEFT_THIGH),
                CLINICIAN)
    return courses


def by(cells, dimension: str) -> dict:
    return {cell.group: cell for cell in cells if cell.by == dimension}


def test_improvement_grows_with_sessions_across_patients(clinic, records, clock, views):
    protocol = records.define_protocol("clinic-a", "lipolytic 1:2.5", LIPOLYTIC, CLINICIAN)
    treated_population(clinic, records, clock, "clinic-a", 6, protocol.id)

    cells = views(registry, "clinic-a", "cellulite", "thighs.lateral", "hexsel_csss")
    sessions = by(cells, "sessions")
    assert [(g, c.median, c.patients) for g, c in sessions.items()] == [
        ("1", 1.0, 6), ("2", 2.0, 6), ("3", 4.0, 6)]
    assert by(cells, "mix")["protocol lipolytic 1:2.5"].course_areas == 6
    assert set(by(cells, "age_band")) == {"40–49"}
    assert set(by(cells, "skin_type")) == {"III"}


def test_small_groups_are_suppressed_for_a_regulator_only(clinic, records, clock, views):
    treated_population(clinic, records, clock, "clinic-a", 3)
    treated_population(clinic, records, clock, "clinic-b", 3, first_mrn=10)

    own = by(views(registry, "clinic-a"), "sessions")
    every = by(views(registry, None, suppress=True), "sessions")
    assert own["1"].patients == 3 and own["1"].median == 1.0 and not own["1"].suppressed
    assert every["1"].patients == 6 and not every["1"].suppressed

    clinic_c = treated_population(clinic, records, clock, "clinic-c", 1, first_mrn=20)
    records.assess_outcome(clinic_c[0][0], outcome("3", "follow_up", 4, LEFT_THIGH),
                           CLINICIAN)
    fourth = by(views(registry, None, suppress=True), "sessions")["4"]
    assert (fourth.suppressed, fourth.patients, fourth.median) == (True, None, None)
    assert by(views(registry, "clinic-c"), "sessions")["4"].patients == 1


def test_voided_scores_count_nowhere(clinic, records, clock, views):
    [(course_id, _)] = treated_population(clinic, records, clock, "clinic-a", 1)
    before = by(views(registry, "clinic-a"), "sessions")["3"].median
    wrong = records.assess_outcome(course_id, outcome("0", "follow_up", 3, LEFT_THIGH),
                                   CLINICIAN)
    assert by(views(registry, "clinic-a"), "sessions")["3"].median != before
    records.void_entry(course_id, wrong.version, "scored the wrong patient", CLINICIAN)
    assert by(views(registry, "clinic-a"), "sessions")["3"].median == before


@pytest.mark.parametrize("points", [
    [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0, 8.0, 9.0, 11.0],
    [0.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 6.0, 7.0],
    [float(n % 7) for n in range(401)]])
def test_the_bootstrap_interval_matches_drawing_resamples(points):
    """The exact interval against 4,000 drawn resamples: the same data values, give or take
    the neighbouring one (the drawn one has sampling error; the exact one has none)."""
    points = sorted(points)
    rng = random.Random(11)
    medians = sorted(statistics.median(rng.choices(points, k=len(points)))
                     for _ in range(4000))
    drawn = (medians[100], medians[3899])
    low, high = bootstrap_interval(points)
    values = sorted(set(points))
    assert low <= statistics.median(points) <= high
    for exact, sampled in zip((low, high), drawn, strict=True):
        near = values[max(0, values.index(exact) - 1):values.index(exact) + 2]
        assert min(near) <= sampled <= max(near), (exact, sampled)
    assert bootstrap_interval([2.0]) == (2.0, 2.0)


def test_rebuilt_outcomes_view_equals_the_live_one(clinic, records, clock, runner):
    [(course_id, _), _] = treated_population(clinic, records, clock, "clinic-a", 2)
    runner.catch_up()
    records.void_entry(course_id, 5, "entered in error", CLINICIAN)
    records.screen(records.course(course_id).patient_id, answers(), CLINICIAN)
    runner.catch_up()
    live = view_rows(runner)
    rebuilt = rebuilt_rows(runner)
    assert all(live[table] for table in ("outcome_scores", "outcome_patients"))
    assert {t: live[t] for t in OUTCOME_TABLES} == {t: rebuilt[t] for t in OUTCOME_TABLES}


def recounted(tx) -> tuple[Counter, Counter, Counter]:
    """The tally worked out anew from every course's live scores: course areas by group and
    improvement, by group and patient, and patients by group."""
    courses = [row[0] for row in tx.rows("SELECT course_id FROM outcome_courses")]
    points = points_of(tables.course_scores(tx, courses),
                       tables.course_groups(tx, courses, AGE_BANDS))
    improvements, by_patient = Counter(), Counter()
    for (_, patient_id, clinic, indication, area, _, scale, session, improvement, last, mix,
         age_band, skin_type) in points:
        for group in [("sessions", str(session))] + last * [
                ("mix", mix), ("age_band", age_band), ("skin_type", skin_type)]:
            improvements[(clinic, indication, area, scale, *group, improvement)] += 1
            by_patient[(clinic, indication, area, scale, *group, patient_id)] += 1
    return improvements, by_patient, Counter(key[:-1] for key in by_patient)


def tallied(tx) -> tuple[Counter, Counter, Counter]:
    return tuple(Counter({tuple(row[:-1]): row[-1] for row in tx.rows(f"SELECT * FROM {t}")})
                 for t in ("outcome_tally", "outcome_group_patients", "outcome_groups"))


def test_the_tally_equals_a_recount_of_live_scores_after_voids_mixes_and_screenings(
        clinic, records, clock, runner):
    protocol = records.define_protocol("clinic-a", "lipolytic 1:2.5", LIPOLYTIC, CLINICIAN)
    (first, _), (second, _), _ = treated_population(clinic, records, clock, "clinic-a", 3,
                                                    protocol.id)
    treated_population(clinic, records, clock, "clinic-b", 2, first_mrn=10)
    runner.catch_up()
    remix = records.formulate(first, formula(), CLINICIAN)  # by ratio now, not the protocol
    wrong = records.assess_outcome(second, outcome("0", "follow_up", 3, LEFT_THIGH), CLINICIAN)
    runner.catch_up()
    assert set(by(registry_now(runner), "mix")) == {"protocol lipolytic 1:2.5",
                                                    "ratio caffeine 1 : l-carnitine 2–5"}

    records.void_entry(first, remix.version, "mixed for another patient", CLINICIAN)
    records.void_entry(second, wrong.version, "scored the wrong patient", CLINICIAN)
    records.void_entry(second, 5, "entered in error", CLINICIAN)  # its session 1 follow-up
    records.screen(records.course(first).patient_id, answers(), CLINICIAN)
    runner.catch_up()

    with runner.views.transaction(write=False) as tx:
        found, expected = tallied(tx), recounted(tx)
    assert found == expected
    assert expected[2][("clinic-a", "cellulite", "thighs.lateral", "hexsel_csss", "sessions",
                        "1")] == 2  # the voided follow-up's course area counts nowhere
    mixes = by(registry_now(runner), "mix")  # the voided mix counts nowhere
    assert [(group, c.course_areas) for group, c in mixes.items()] == [
        ("protocol lipolytic 1:2.5", 3)]


def registry_now(runner, clinic: str = "clinic-a"):
    with runner.views.transaction(write=False) as tx:
        return registry(tx, clinic)


@pytest.mark.parametrize("seed", range(20))
def test_a_spread_reads_like_the_sorted_list_it_stands_for(seed):
    rng = random.Random(seed)
    points = sorted(rng.choice((-1.5, 0.0, 0.25, 1.0, 2.0, 7.0)) for _ in range(
        rng.randint(1, 60)))
    spread = Spread(Counter(points))
    assert list(spread) == points
    assert median(spread) == statistics.median(points)
    assert quartiles(spread) == (tuple(statistics.quantiles(points, n=4, method="inclusive")[::2])
                                 if len(points) > 1 else (points[0], points[0]))
    assert bootstrap_interval(spread) == bootstrap_interval(points)


def test_an_outcomes_view_kept_without_a_tally_is_replayed_on_start(
        clinic, records, clock, runner, settings):
    treated_population(clinic, records, clock, "clinic-a", 2)
    before = registry_now(runner) if runner.catch_up() else None
    with runner.views.transaction() as tx:  # as the version before the tally left it
        for table in ("outcome_points", *tally.TABLES, "outcome_shape"):
            tx.execute(f"DROP TABLE {table}")
        tx.execute("CREATE TABLE outcome_points (course_id TEXT NOT NULL, improvement REAL)")
    runner.views.close()

    again = open_runner(records, settings)
    try:
        assert again.position("outcomes") == 0
        again.catch_up()
        assert registry_now(again) == before and before
    finally:
        again.views.close()
