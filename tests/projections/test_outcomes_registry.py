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
from projections.base import ViewTransaction, rows_in
from projections.outcomes import tally
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
from tests.projections.test_exactly_once import read_from, rebuilt_rows, view_rows

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
    live = {t: rows for t, rows in view_rows(runner).items() if t in OUTCOME_TABLES}
    assert all(live[table] for table in ("outcome_scores", "outcome_patients"))
    for batch_size in (1000, 4):  # each course's entries in one batch, and across many
        runner.batch_size = batch_size
        rebuilt = rebuilt_rows(runner)
        assert {t: rebuilt[t] for t in OUTCOME_TABLES} == live, batch_size


def recounted(tx) -> tuple[Counter, Counter, Counter]:
    """The tally worked out anew, in SQL of its own, from every course's live scores and
    mixes and its patient's latest screening: course areas by group and improvement, by group
    and patient, and patients by group."""
    courses = [row[0] for row in tx.rows("SELECT course_id FROM outcome_courses")]
    points = points_of(course_scores(tx, courses), course_groups(tx, courses, AGE_BANDS))
    improvements, by_patient = Counter(), Counter()
    for (_, patient_id, clinic, indication, area, _, scale, session, improvement, last, mix,
         age_band, skin_type) in points:
        for group in [("sessions", str(session))] + last * [
                ("mix", mix), ("age_band", age_band), ("skin_type", skin_type)]:
            improvements[(clinic, indication, area, scale, *group, improvement)] += 1
            by_patient[(clinic, indication, area, scale, *group, patient_id)] += 1
    return improvements, by_patient, Counter(key[:-1] for key in by_patient)


def course_scores(tx: ViewTransaction, course_ids: list[str]) -> list[tuple]:
    """Live scores of these courses with their course: course, patient, clinic, indication,
    version, area, laterality, scale, kind, session, score."""
    return rows_in(tx, "SELECT s.course_id, c.patient_id, c.clinic, c.indication, s.version,"
                   " s.area, s.laterality, s.scale, s.kind, s.session, s.score"
                   " FROM outcome_scores s JOIN outcome_courses c ON c.course_id = s.course_id"
                   " WHERE s.voided = 0 AND", "s.course_id", course_ids)


def _age_band_sql(bands: tuple[tuple[int, str], ...]) -> str:
    steps = " ".join(f"WHEN pt.age_years >= {low} THEN '{label}'" for low, label in
                     reversed(bands))
    return f"CASE WHEN pt.age_years IS NULL THEN 'unknown' {steps} END"


def course_groups(tx: ViewTransaction, course_ids: list[str],
                  age_bands: tuple[tuple[int, str], ...]) -> dict[str, tuple[str, str, str]]:
    """Per course, the groups its course areas' latest points count in: its latest live mix
    (its protocol, by the clinic's name for it, or its ratio band), its patient's age band
    and skin type."""
    return {row[0]: tuple(row[1:]) for row in rows_in(
        tx, "SELECT c.course_id,"
        " CASE WHEN m.course_id IS NULL THEN 'no mix on record'"
        " WHEN m.protocol_id IS NOT NULL THEN 'protocol ' || COALESCE(pr.name, m.protocol_id)"
        " ELSE 'ratio ' || m.ratio_band END,"
        f" {_age_band_sql(age_bands)},"
        " CASE WHEN pt.skin_type IS NULL OR pt.skin_type = '' THEN 'unknown'"
        " ELSE pt.skin_type END"
        " FROM outcome_courses c"
        " LEFT JOIN outcome_mixes m ON m.course_id = c.course_id AND m.voided = 0"
        " AND m.formulation_version = (SELECT MAX(l.formulation_version)"
        " FROM outcome_mixes l WHERE l.course_id = c.course_id AND l.voided = 0)"
        " LEFT JOIN outcome_protocols pr ON pr.protocol_id = m.protocol_id"
        " AND pr.clinic = c.clinic"
        " LEFT JOIN outcome_patients pt ON pt.patient_id = c.patient_id WHERE",
        "c.course_id", course_ids)}


def tallied(tx) -> tuple[Counter, Counter, Counter]:
    """The tally as kept, each count under its group's name."""
    named = {row[0]: tuple(row[1:]) for row in tx.rows(
        f"SELECT group_id, {', '.join(tally.GROUP)} FROM outcome_groups")}
    improvements, by_patient = (Counter({(*named[number], *rest): n for number, *rest, n in
                                         tx.rows(f"SELECT * FROM {table}")})
                                for table in ("outcome_tally", "outcome_group_patients"))
    patients = Counter({named[number]: n for number, n in tx.rows(
        "SELECT group_id, patients FROM outcome_groups")})
    return improvements, by_patient, patients


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


def test_a_course_another_runner_moved_on_or_a_batch_rolled_back_is_read_afresh(
        clinic, records, clock, runner, settings):
    """Each runner remembers the courses it wrote; what another runner wrote in between, or
    a batch that rolled back, must not be mistaken for what is stored."""
    [(course_id, baseline)] = treated_population(clinic, records, clock, "clinic-a", 1)
    runner.catch_up()
    other = open_runner(records, settings)
    try:
        other.catch_up()
        later = records.assess_outcome(course_id, outcome(
            str(baseline - 5), "follow_up", 4, LEFT_THIGH), CLINICIAN)
        with pytest.raises(RuntimeError), other.views.transaction() as tx:
            other.projections["outcomes"].apply(tx, read_from(other, later.position).of(
                "outcomes"))
            raise RuntimeError("the batch's transaction fails")
        other.catch_up()  # the same score again, after the batch that rolled back
        records.assess_outcome(course_id, outcome(str(baseline - 6), "follow_up", 5,
                                                  LEFT_THIGH), CLINICIAN)
        runner.catch_up()  # on from where the other runner left the view
    finally:
        other.views.close()

    with runner.views.transaction(write=False) as tx:
        found, expected = tallied(tx), recounted(tx)
    assert found == expected
    sessions = {key[5:]: n for key, n in expected[0].items() if key[4] == "sessions"}
    assert (sessions[("4", 5.0)], sessions[("5", 6.0)]) == (1, 1)


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


EARLIER_SHAPES = {
    "without a tally": [f"DROP TABLE {table}" for table in (*tally.TABLES, "outcome_shape")],
    "with each course area's points": [
        "DROP TABLE outcome_shape", "CREATE TABLE outcome_shape (shape INTEGER NOT NULL)",
        "INSERT INTO outcome_shape (shape) VALUES (2)"],
}


@pytest.mark.parametrize("earlier", EARLIER_SHAPES)
def test_an_outcomes_view_an_earlier_version_kept_is_replayed_on_start(
        clinic, records, clock, runner, settings, earlier):
    treated_population(clinic, records, clock, "clinic-a", 2)
    before = registry_now(runner) if runner.catch_up() else None
    with runner.views.transaction() as tx:  # as an earlier version left it
        for statement in EARLIER_SHAPES[earlier]:
            tx.execute(statement)
        tx.execute("CREATE TABLE outcome_points (course_id TEXT NOT NULL, improvement REAL)")
    runner.views.close()

    again = open_runner(records, settings)
    try:
        assert again.position("outcomes") == 0
        again.catch_up()
        assert registry_now(again) == before and before
    finally:
        again.views.close()
