"""What verify is tested on: the store's integrity, and a history under a checkpoint."""

import pytest

from infra.integrity import open_integrity
from tests.clinic import CLINICIAN, dose


@pytest.fixture
def integrity(runner, settings):
    return open_integrity(runner, settings)


@pytest.fixture
def signed_history(clinic, records, integrity):
    """A course with a few injections, all under a checkpoint held outside the database."""
    course_id = clinic.formulated_course()
    for _ in range(3):
        records.inject(course_id, dose(volume="1"), CLINICIAN)
    integrity.checkpoint()
    return clinic.log_position()
