"""Invariants over many inputs: replay equals the live state, scales and the age boundary."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from eventsourcing.application import project_aggregate
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.course import TreatmentCourse
from domain.entries import ScoreOutOfScaleError
from domain.errors import RuleViolation
from domain.patient import Patient
from domain.screening import ELIGIBLE, INELIGIBLE, Screening
from domain.standing import ConsentChange, DatedScreening, PatientStanding
from domain.transcodings import register_transcodings
from domain.values import ClinicPolicy
from domain.vocabulary import SCALES
from tests.clinic import (
    ABDOMEN,
    CLINICIAN,
    LEFT_THIGH,
    THIGHS,
    adverse_event,
    answers,
    dose,
    formula,
    outcome,
    plan,
)

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
STANDING = PatientStanding(uuid4(), 3, START, (ConsentChange("treatment", START, True),),
                           (DatedScreening(START, Screening(answers(), 41, ELIGIBLE)),), (),
                           ())


def stored_and_loaded(events) -> list:
    """Each event written as the store writes it, and read back as a fresh process would."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_transcodings(transcoder)
    mapper = Mapper(transcoder=transcoder)
    return [mapper.to_domain_event(mapper.to_stored_event(e)) for e in events]


commands = st.lists(st.one_of(
    st.tuples(st.just("inject"), st.integers(1, 4), st.sampled_from([LEFT_THIGH, ABDOMEN]),
              st.sampled_from(["1", "2.5", "4"])),
    st.tuples(st.just("formulate")),
    st.tuples(st.just("assess"), st.integers(0, 4), st.sampled_from(["3", "9", "15"])),
    st.tuples(st.just("adverse"), st.booleans()),
    st.tuples(st.just("status"), st.sampled_from(["suspend", "resume", "complete"])),
    st.tuples(st.just("void"), st.integers(1, 30)),
    st.tuples(st.just("amend"), st.integers(1, 6)),
), max_size=40)


def apply(course: TreatmentCourse, command: tuple, at: datetime) -> None:
    policy = ClinicPolicy()
    match command:
        case ("inject", session, site, volume):
            course.inject(dose(session, site, volume=volume), STANDING, policy, CLINICIAN, at)
        case ("formulate",):
            course.formulate(formula(), STANDING, CLINICIAN, at)
        case ("assess", session, score):
            course.assess_outcome(outcome(score, "follow_up", session), CLINICIAN, at)
        case ("adverse", serious):
            course.report_adverse_event(adverse_event(at, serious=serious), CLINICIAN, at)
        case ("status", action):
            course.change_status(action, "per protocol", CLINICIAN, at)
        case ("void", version):
            course.void(version, "entered in error", CLINICIAN, at)
        case ("amend", sessions):
            course.amend_plan(plan(THIGHS, ABDOMEN, sessions=sessions), "review", CLINICIAN, at)


@settings(max_examples=60, deadline=None)
@given(commands)
def test_replaying_the_events_rebuilds_the_state_the_commands_produced(script):
    course = TreatmentCourse.plan_for(uuid4(), uuid4(), "clinic-a", plan(THIGHS, ABDOMEN),
                                      STANDING, ClinicPolicy(), CLINICIAN, START)
    for minutes, command in enumerate(script):
        try:
            apply(course, command, START + timedelta(minutes=minutes))
        except RuleViolation:
            pass
    replayed = project_aggregate(None, stored_and_loaded(course.collect_events()))
    assert vars(replayed) == vars(course)


def outside(scale):
    return st.one_of(
        st.decimals(max_value=scale.low - Decimal("0.001"), allow_nan=False,
                    allow_infinity=False, places=3),
        st.decimals(min_value=scale.high + Decimal("0.001"), allow_nan=False,
                    allow_infinity=False, places=3))


@settings(max_examples=200)
@given(st.sampled_from(sorted(SCALES)).flatmap(lambda code: st.tuples(
    st.just(code), outside(SCALES[code]))))
def test_every_score_outside_its_scale_is_refused(case):
    code, score = case
    try:
        outcome(str(score), scale=code)
    except ScoreOutOfScaleError:
        pass
    else:
        raise AssertionError(f"{score} accepted on {code}")


@given(st.sampled_from(sorted(SCALES)).flatmap(lambda code: st.tuples(
    st.just(code), st.decimals(SCALES[code].low, SCALES[code].high, places=1))))
def test_every_score_inside_its_scale_is_accepted(case):
    code, score = case
    assert outcome(str(score), scale=code).score == score


@settings(max_examples=200)
@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2007, 12, 31)))
def test_age_boundary_17_years_364_days_is_ineligible_18_years_is_eligible(birth):
    eighteenth = birth.replace(year=birth.year + 18) if (birth.month, birth.day) != (2, 29) \
        else date(birth.year + 18, 3, 1)
    day_before = datetime.combine(eighteenth - timedelta(days=1), START.timetz())
    on_the_day = datetime.combine(eighteenth, START.timetz())
    patient = Patient.register(uuid4(), "clinic-a", "MRN-1", "sealed", CLINICIAN, day_before)
    assert patient.screen(answers(), birth, CLINICIAN, day_before).result == INELIGIBLE
    assert patient.screen(answers(), birth, CLINICIAN, on_the_day).result == ELIGIBLE
