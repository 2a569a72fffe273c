"""Concurrent writers on one course: nothing lost; with expected versions, one wins; an
entry decided on the patient's standing is not saved once that standing has changed."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from domain.course import TreatmentCourse
from domain.errors import RecordBusyError, StaleVersionError
from domain.standing import ConditionSinceScreeningError, NoTreatmentConsentError
from infra.records import open_records
from tests.clinic import ABDOMEN, CLINICIAN, LEFT_THIGH, RECEPTIONIST, THIGHS, dose, plan


def race(*writes):
    """Start every write at the same instant; return each result or the error it raised."""
    barrier = Barrier(len(writes))

    def run(write):
        barrier.wait()
        try:
            return write()
        except StaleVersionError as error:
            return error

    with ThreadPoolExecutor(len(writes)) as pool:
        return list(pool.map(run, writes))


def test_two_writers_on_one_course_both_injections_are_recorded(clinic, records):
    course_id = clinic.formulated_course(LEFT_THIGH, ABDOMEN)
    for _ in range(5):
        race(lambda: records.inject(course_id, dose(1, LEFT_THIGH, volume="1"), CLINICIAN),
             lambda: records.inject(course_id, dose(1, ABDOMEN, volume="1"), CLINICIAN))
    injected = [e for e in records.events.get(course_id) if type(e).__name__ == "Injected"]
    assert len(injected) == 10
    assert len(records.course(course_id).given) == 10


def test_two_writers_expecting_one_version_exactly_one_wins(clinic, records):
    course_id = clinic.formulated_course(LEFT_THIGH, ABDOMEN)
    version = records.course(course_id).version
    results = race(
        lambda: records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN,
                               expected_version=version),
        lambda: records.inject(course_id, dose(1, ABDOMEN), CLINICIAN,
                               expected_version=version))
    assert sorted(type(r).__name__ for r in results) == ["Recorded", "StaleVersionError"]
    assert records.course(course_id).version == version + 1


def changed_while_deciding(monkeypatch, decision: str, change, every_time: bool = False):
    """`change()` is saved right after a command has decided (`decision`, a TreatmentCourse
    method) and before it saves: two clinic desks at the same moment (once, or every time)."""
    decided, changed = getattr(TreatmentCourse, decision), []

    def decided_then_changed(*args, **kwargs):
        outcome = decided(*args, **kwargs)
        if every_time or not changed:
            changed.append(change())
        return outcome

    monkeypatch.setattr(TreatmentCourse, decision, decided_then_changed)


def test_an_injection_decided_as_consent_is_withdrawn_is_refused(clinic, records, monkeypatch):
    course_id = clinic.formulated_course(LEFT_THIGH)
    version = records.course(course_id).version
    patient_id = records.course(course_id).patient_id
    changed_while_deciding(monkeypatch, "inject", lambda: records.withdraw_consent(
        patient_id, "treatment", "patient asked", RECEPTIONIST))
    before = clinic.log_position()

    with pytest.raises(NoTreatmentConsentError):
        records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN, expected_version=version)

    assert clinic.log_position() == before + 1, "only the withdrawal is recorded"
    assert records.course(course_id).version == version


def test_a_course_planned_as_a_condition_is_recorded_is_refused(clinic, records, monkeypatch):
    patient_id = clinic.screened_patient()
    changed_while_deciding(monkeypatch, "plan_for", lambda: records.record_condition(
        patient_id, "herpes labialis", "active lesion", CLINICIAN))
    before = clinic.log_position()

    with pytest.raises(ConditionSinceScreeningError):
        records.plan_course(patient_id, plan(THIGHS), CLINICIAN)

    assert clinic.log_position() == before + 1, "only the condition is recorded"


def test_an_injection_whose_patient_changes_at_every_attempt_gives_up(clinic, records,
                                                                     monkeypatch):
    course_id = clinic.formulated_course(LEFT_THIGH)
    version = records.course(course_id).version
    patient_id = records.course(course_id).patient_id
    changed_while_deciding(monkeypatch, "inject", lambda: records.record_allergy(
        patient_id, "lidocaine", "rash", CLINICIAN), every_time=True)

    with pytest.raises(RecordBusyError):
        records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN)

    assert records.course(course_id).version == version


def test_a_consent_withdrawn_through_another_process_stops_the_next_injection(
        clinic, records, settings, clock):
    course_id = clinic.formulated_course(LEFT_THIGH)
    records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN)  # its standing is remembered
    patient_id = records.course(course_id).patient_id
    desk = open_records(settings, clock=clock)  # another server on the same store
    try:
        desk.withdraw_consent(patient_id, "treatment", "patient asked", RECEPTIONIST)
    finally:
        desk.close()

    with clinic.refuses(NoTreatmentConsentError):
        records.inject(course_id, dose(2, LEFT_THIGH), CLINICIAN)


def test_an_injection_on_a_remembered_standing_does_not_read_the_patient(clinic, records,
                                                                        monkeypatch):
    course_id = clinic.formulated_course(LEFT_THIGH)
    records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN)
    patient_id = records.course(course_id).patient_id
    read, records_read = records.recorder.select_events, []

    def counted(originator_id, **options):
        records_read.append(originator_id)
        return read(originator_id, **options)

    monkeypatch.setattr(records.recorder, "select_events", counted)
    records.inject(course_id, dose(1, LEFT_THIGH), CLINICIAN)  # more into the same session

    assert course_id in records_read and patient_id not in records_read
