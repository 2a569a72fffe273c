"""The record as it stood at any past instant: `as_of=t` equals the state right after the
last event recorded at or before t (COMPLIANCE: 11.10(b), (c))."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import NotFoundError
from tests.clinic import (
    CLINICIAN,
    NURSE,
    THIGHS,
    adverse_event,
    dose,
    outcome,
    supervising_clinician,
)


def history_of(records, clinic):
    """A patient and a course with entries, corrections and a void."""
    course_id = clinic.formulated_course(THIGHS)
    patient_id = records.course(course_id).patient_id
    records.assess_outcome(course_id, outcome("9"), CLINICIAN)
    first = records.inject(course_id, dose(1), CLINICIAN)
    records.void_entry(course_id, first.version, "wrong area", CLINICIAN)
    records.inject(course_id, dose(1, supervisor=supervising_clinician(records)), NURSE)
    records.record_allergy(patient_id, "lidocaine", "urticaria", CLINICIAN)
    records.report_adverse_event(course_id, adverse_event(records.clock()), NURSE)
    return patient_id, course_id


def state(aggregate) -> dict | None:
    return None if aggregate is None else vars(aggregate)


def test_the_record_as_of_any_instant_is_the_state_after_the_last_event_before_it(records,
                                                                                  clinic):
    patient_id, course_id = history_of(records, clinic)
    replays_correctly(records, patient_id, records.patient)
    replays_correctly(records, course_id, records.course)


def replays_correctly(records, record_id, read) -> None:
    stamps = [event.timestamp for event in records.events.get(record_id)]
    span = (stamps[-1] - stamps[0]).total_seconds() + 2

    def as_recorded(instant):
        applied = sum(stamp <= instant for stamp in stamps)
        return records.repository.get(record_id, version=applied) if applied else None

    @settings(max_examples=60, deadline=None)
    @given(st.floats(min_value=0, max_value=span))
    def replayed_to(seconds: float) -> None:
        instant = stamps[0] - timedelta(seconds=1) + timedelta(seconds=seconds)
        assert state(_read_or_none(read, record_id, instant)) == state(as_recorded(instant))

    replayed_to()
    for stamp in stamps:  # the exact instants too: an event recorded at t is included
        assert state(read(record_id, stamp)) == state(as_recorded(stamp))


def _read_or_none(read, record_id, instant):
    try:
        return read(record_id, instant)
    except NotFoundError:
        return None
