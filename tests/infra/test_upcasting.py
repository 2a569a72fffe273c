"""Events written by today's code still load when tomorrow's code adds a field."""

from eventsourcing import utils

from domain.course import TreatmentCourse
from tests.clinic import CLINICIAN, dose


class InjectedV2(TreatmentCourse.Injected):
    """Tomorrow's Injected: it also records whether the area was photographed."""

    class_version = 2
    photographed: bool = False  # after late_entry_reason, which has a default

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        state["photographed"] = False


def test_event_stored_today_loads_with_a_field_added_tomorrow(clinic, records, monkeypatch):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    monkeypatch.setitem(utils._topic_cache, TreatmentCourse.Injected.TOPIC, InjectedV2)
    injected = [e for e in records.events.get(course_id) if isinstance(e, InjectedV2)]
    assert [e.photographed for e in injected] == [False]
    assert injected[0].dose == dose()


def test_value_object_stored_without_a_later_field_takes_its_default(records):
    stored = records.mapper.transcoder.encode(dose(supervisor="u-9"))
    without = stored.replace(b',"supervisor":"u-9"', b"")
    assert without != stored
    assert records.mapper.transcoder.decode(without) == dose()


def test_value_object_stored_with_a_field_since_removed_loads_without_it(records):
    stored = records.mapper.transcoder.encode(dose())
    with_more = stored.replace(b'"supervisor":null', b'"supervisor":null,"retired":"x"')
    assert with_more != stored
    read = records.mapper.transcoder.decode(with_more)
    assert read == dose() and not hasattr(read, "retired")
