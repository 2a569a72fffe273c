"""After any history, a view rebuilt from zero equals the view kept up to date live."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import RuleViolation
from tests.clinic import (
    ABDOMEN,
    CLINICIAN,
    LEFT_THIGH,
    NURSE,
    adverse_event,
    answers,
    dose,
    formula,
    outcome,
    plan,
    supervising_clinician,
)
from tests.projections.test_exactly_once import rebuilt_rows, view_rows

steps = st.lists(st.one_of(
    st.tuples(st.just("inject"), st.integers(1, 3), st.sampled_from([LEFT_THIGH, ABDOMEN]),
              st.integers(1, 3)),  # session, site, formulation version
    st.tuples(st.just("assess"), st.integers(0, 15)),
    st.tuples(st.just("adverse"), st.booleans()),
    st.tuples(st.just("void"), st.integers(2, 40)),
    st.tuples(st.just("resume")),
    st.tuples(st.just("formulate")),
    st.tuples(st.just("inject earlier"), st.integers(1, 48)),  # hours before the clock
    st.tuples(st.just("replan"), st.sampled_from([(LEFT_THIGH,), (LEFT_THIGH, ABDOMEN)])),
), min_size=5, max_size=30)


def take(records, course_id, step, clock) -> None:
    supervisor = supervising_clinician(records)
    match step:
        case ("inject", session, site, mix):
            records.inject(course_id, dose(session, site, volume="1", formulation_version=mix,
                                           supervisor=supervisor,
                                           interval_override="sessions close together"),
                           NURSE)
        case ("assess", score):
            records.assess_outcome(course_id, outcome(str(score), "follow_up", 1), CLINICIAN)
        case ("adverse", serious):
            records.report_adverse_event(course_id, adverse_event(clock(), serious=serious,
                                                                   lots=("CAF-001",)), NURSE)
        case ("void", version):
            records.void_entry(course_id, version, "entered in error", CLINICIAN)
        case ("resume",):
            records.change_course_status(course_id, "resume", "reviewed", CLINICIAN)
        case ("formulate",):
            records.formulate(course_id, formula(), CLINICIAN)
        case ("inject earlier", hours):
            records.inject(course_id, dose(1, ABDOMEN, volume="2", supervisor=supervisor),
                           NURSE, occurred_at=clock() - timedelta(hours=hours),
                           late_entry_reason="charted late")
        case ("replan", sites):
            records.amend_plan(course_id, plan(*sites), "areas changed", CLINICIAN)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=st.lists(steps, min_size=1, max_size=3))
def test_rebuilt_view_equals_live_view_after_a_random_history(clinic, records, runner,
                                                              clock, histories):
    patient_id = clinic.screened_patient() if not clinic.log_position() else \
        records.patient_by_mrn("clinic-a", "MRN-0001")
    for history in histories:
        records.screen(patient_id, answers(), CLINICIAN)  # current for each history
        course_id = clinic.course(LEFT_THIGH, ABDOMEN, patient_id=patient_id)
        records.formulate(course_id, formula(), CLINICIAN)
        clock.advance(days=2)  # an injection charted late may be dated after the mix
        for step in history:
            try:
                take(records, course_id, step, clock)
            except RuleViolation:
                pass
            runner.catch_up()  # the live view follows the history step by step
    assert view_rows(runner) == rebuilt_rows(runner)
