"""A save that relies on other records (`unchanged`: record id → the version its decision
read) is kept only if none of them has moved on; otherwise nothing of it is, on both
backends, through the recorder the clinic's records are wired with."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from domain.errors import RecordChangedError


def entry(record_id: UUID, version: int) -> StoredEvent:
    return StoredEvent(record_id, version, "tests.Noted", b"{}")


@pytest.fixture
def recorder(records):
    return records.recorder


@pytest.fixture
def patient(recorder) -> UUID:
    """A patient stored at version 2."""
    patient = uuid4()
    recorder.insert_events([entry(patient, 1), entry(patient, 2)])
    return patient


def test_a_save_relying_on_a_record_as_it_still_is_is_kept(recorder, patient):
    course = uuid4()

    positions = recorder.insert_events([entry(course, 1)], unchanged={patient: 2})

    assert positions == [3]
    assert [e.originator_version for e in recorder.select_events(course)] == [1]


def test_a_save_relying_on_a_record_that_moved_on_is_refused_and_nothing_of_it_is_kept(
        recorder, patient):
    recorder.insert_events([entry(patient, 3)])  # after the decision read version 2
    course = uuid4()

    with pytest.raises(RecordChangedError):
        recorder.insert_events([entry(course, 1), entry(course, 2)], unchanged={patient: 2})

    assert recorder.select_events(course) == []
    assert recorder.max_notification_id() == 3


def test_a_save_relying_on_several_records_is_refused_when_any_one_moved_on(recorder,
                                                                            patient):
    other = uuid4()
    recorder.insert_events([entry(other, 1)])
    course = uuid4()

    with pytest.raises(RecordChangedError):
        recorder.insert_events([entry(course, 1)], unchanged={other: 1, patient: 1})

    assert recorder.select_events(course) == []


def test_a_record_relied_on_that_was_never_stored_counts_as_changed(recorder):
    course = uuid4()

    with pytest.raises(RecordChangedError):
        recorder.insert_events([entry(course, 1)], unchanged={uuid4(): 1})

    assert recorder.select_events(course) == []


def test_records_relied_on_are_judged_as_stored_before_the_save_itself(recorder, patient):
    course = uuid4()

    recorder.insert_events([entry(course, 1), entry(patient, 3)], unchanged={patient: 2})

    assert [e.originator_version for e in recorder.select_events(patient)] == [1, 2, 3]
