"""A command works on a copy of the remembered record: what it does to the copy, refused or
not, never reaches the record the next command starts from."""

from copy import deepcopy

from eventsourcing.application import project_aggregate

from domain.course_refusals import VolumeLimitExceededError
from tests.clinic import CLINICIAN, LEFT_THIGH, dose, treatment_consent


def rebuilt(records, record_id):
    """The record replayed from its stored events alone: no cache, no snapshot."""
    return project_aggregate(None, records.events.get(record_id))


def test_a_copy_holds_the_same_state_in_containers_of_its_own(clinic, records):
    course_id = clinic.formulated_course(LEFT_THIGH)
    records.inject(course_id, dose(volume="1"), CLINICIAN)
    course = records.course(course_id)
    copy = deepcopy(course)
    assert vars(copy) == vars(course)
    shared = [name for name, value in vars(course).items()
              if isinstance(value, dict | list) and vars(copy)[name] is value]
    assert shared == []


def test_what_a_command_does_to_its_copy_stays_out_of_the_remembered_record(clinic, records):
    course_id = clinic.formulated_course(LEFT_THIGH)
    records.inject(course_id, dose(volume="1"), CLINICIAN)
    course = records.course(course_id)
    before = deepcopy(vars(course))
    standing = records.patient(course.patient_id).standing()
    copy = deepcopy(course)
    copy.inject(dose(volume="2"), standing, records.policy, CLINICIAN, records.clock())
    copy.void(course.version, "entered twice", CLINICIAN, records.clock())
    assert len(copy.collect_events()) == 2
    assert vars(course) == before


def test_a_refused_command_leaves_the_next_one_a_record_equal_to_a_replay(clinic, records):
    course_id = clinic.formulated_course(LEFT_THIGH)
    records.inject(course_id, dose(volume="9"), CLINICIAN)
    with clinic.refuses(VolumeLimitExceededError):
        records.inject(course_id, dose(volume="2"), CLINICIAN)
    records.inject(course_id, dose(volume="1"), CLINICIAN)
    assert vars(records.course(course_id)) == vars(rebuilt(records, course_id))
    patient_id = records.course(course_id).patient_id
    records.give_consent(patient_id, treatment_consent(clinic.clock()), CLINICIAN)
    assert vars(records.patient(patient_id)) == vars(rebuilt(records, patient_id))
