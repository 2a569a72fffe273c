"""For any history and any single omission or edit of its export, the offline verifier
passes exactly the untouched export."""

from __future__ import annotations

import base64
import copy
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import verify_export
from infra.exports import export_patient
from infra.integrity import open_integrity
from tests.clinic import (
    CLINICIAN,
    PERSON,
    RECEPTIONIST,
    answers,
    dose,
    formula,
    plan,
    treatment_consent,
)

MRNS = itertools.count()


@pytest.fixture
def integrity(runner, settings):
    return open_integrity(runner, settings)


def record_history(records, clock, injections: int, void: bool):
    pid = records.register_patient("clinic-a", f"P-{next(MRNS)}", PERSON, RECEPTIONIST).id
    records.give_consent(pid, treatment_consent(clock()), RECEPTIONIST)
    records.screen(pid, answers(), CLINICIAN)
    course = records.plan_course(pid, plan(sessions=10), CLINICIAN).id
    records.formulate(course, formula(), CLINICIAN)
    for _ in range(injections):  # one session: the next is due only after the interval
        given = records.inject(course, dose(1, volume="1"), CLINICIAN)
    if void and injections:
        records.void_entry(course, given.version, "entered in error", CLINICIAN)
    return pid


def mutate(document: dict, change: tuple) -> None:
    events = document["events"]
    match change:
        case ("omit", i):
            events.pop(i % len(events))
        case ("flip", i, byte):
            raw = bytearray(base64.b64decode(events[i % len(events)]["state"]))
            raw[byte % len(raw)] ^= 0x01
            events[i % len(events)]["state"] = base64.b64encode(bytes(raw)).decode()
        case ("position", i):
            events[i % len(events)]["position"] += 1
        case ("swap", i):
            a, b = i % len(events), (i + 1) % len(events)
            events[a]["leaf_index"], events[b]["leaf_index"] = (events[b]["leaf_index"],
                                                                events[a]["leaf_index"])


changes = st.one_of(st.just(("none",)), st.tuples(st.just("omit"), st.integers(0, 40)),
                    st.tuples(st.just("flip"), st.integers(0, 40), st.integers(0, 4000)),
                    st.tuples(st.just("position"), st.integers(0, 40)),
                    st.tuples(st.just("swap"), st.integers(0, 40)))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(injections=st.integers(0, 4), void=st.booleans(), change=changes)
def test_the_verifier_passes_exactly_the_untouched_exports(records, clock, integrity,
                                                           runner, injections, void, change):
    pid = record_history(records, clock, injections, void)
    runner.catch_up()
    document = export_patient(integrity, pid)
    document.pop("history")  # the events alone: what is shown is checked elsewhere
    doctored = copy.deepcopy(document)
    mutate(doctored, change)

    key = integrity.verifier.vkey
    assert verify_export.check(document, key).startswith("ok")
    if doctored != document:
        with pytest.raises(verify_export.Failed):
            verify_export.check(doctored, key)
