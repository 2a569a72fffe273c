"""Concurrent writers on one course: nothing lost; with expected versions, one wins."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from domain.errors import StaleVersionError
from tests.clinic import ABDOMEN, CLINICIAN, LEFT_THIGH, dose


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
    assert len(records.course(course_id).injections) == 10


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
