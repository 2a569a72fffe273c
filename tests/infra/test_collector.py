"""The cycle collector of a process that opens the records runs less often, never more."""

import gc

import pytest

from infra.collector import YOUNG_OBJECTS, collect_less_often
from infra.records import open_records


@pytest.fixture
def default_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_opening_the_records_raises_the_youngest_threshold_only(default_thresholds, settings):
    open_records(settings).close()

    assert gc.get_threshold() == (YOUNG_OBJECTS, 10, 10)


def test_a_threshold_already_higher_is_kept(default_thresholds):
    gc.set_threshold(YOUNG_OBJECTS * 5, 10, 10)

    collect_less_often()

    assert gc.get_threshold() == (YOUNG_OBJECTS * 5, 10, 10)
