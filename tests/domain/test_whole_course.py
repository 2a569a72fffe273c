"""A whole course from registration to completion, replayed by a fresh application."""

from domain.application import ClinicalRecords
from infra.records import open_records
from tests.clinic import (
    ABDOMEN,
    CLINICIAN,
    LEFT_THIGH,
    NURSE,
    PERSON,
    RECEPTIONIST,
    THIGHS,
    adverse_event,
    answers,
    dose,
    formula,
    outcome,
    plan,
    supervising_clinician,
    treatment_consent,
)


def run_course(records: ClinicalRecords, clock) -> tuple:
    patient_id = records.register_patient("clinic-a", "MRN-100", PERSON, RECEPTIONIST).id
    records.give_consent(patient_id, treatment_consent(clock()), RECEPTIONIST)
    records.screen(patient_id, answers(), CLINICIAN)
    course_id = records.plan_course(patient_id, plan(THIGHS, ABDOMEN, sessions=3),
                                    CLINICIAN).id
    records.formulate(course_id, formula(), CLINICIAN)
    records.assess_outcome(course_id, outcome("10"), CLINICIAN)
    supervisor = supervising_clinician(records)
    for session in (1, 2, 3):
        records.inject(course_id, dose(session, LEFT_THIGH), CLINICIAN)
        records.inject(course_id, dose(session, ABDOMEN, supervisor=supervisor), NURSE)
        clock.advance(days=14)
        records.screen(patient_id, answers(), CLINICIAN)
    wrong = records.inject(course_id, dose(3, ABDOMEN, volume="1"), CLINICIAN)
    records.void_entry(course_id, wrong.version, "entered twice", CLINICIAN)
    records.assess_outcome(course_id, outcome("6", "follow_up", 3), CLINICIAN)
    records.report_adverse_event(course_id, adverse_event(clock()), NURSE)
    records.change_course_status(course_id, "complete", "all sessions given", CLINICIAN)
    return patient_id, course_id


def test_whole_course_is_recorded_and_a_fresh_application_replays_it(records, clock,
                                                                       settings):
    patient_id, course_id = run_course(records, clock)
    course = records.course(course_id)
    assert course.status == "completed"
    assert course.sessions_done == 3
    assert len(course.given) == 6 and len(course.voided) == 1

    fresh = open_records(settings, clock=clock)
    try:
        assert vars(fresh.course(course_id)) == vars(course)
        assert vars(fresh.patient(patient_id)) == vars(records.patient(patient_id))
    finally:
        fresh.close()


def test_nothing_is_ever_updated_in_place(records, clock):
    _, course_id = run_course(records, clock)
    versions = [e.originator_version for e in records.events.get(course_id)]
    assert versions == list(range(1, len(versions) + 1))
