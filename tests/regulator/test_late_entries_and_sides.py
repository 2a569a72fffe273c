"""The regulator's copies mark late entries and show each side of a bilateral area: the
HTML page says "Late entry" with the reason and has a progress row per side; the FHIR
Provenance of a late entry says it was late, and why."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.api import bodies
from tests.api.conftest import Given
from tests.regulator.test_export import REGULATOR

RIGHT_THIGH = {"area": "thighs.lateral", "laterality": "right"}


def copy(client, patient: str, format: str):
    response = client.get(f"/v1/patients/{patient}/export", headers=REGULATOR,
                          params={"format": format})
    assert response.status_code == 200, response.text
    return response


def a_course_with_a_late_entry_and_both_sides(client, clock) -> tuple[str, str]:
    given = Given(client, clock)
    patient = given.screened_patient()
    course = given.formulated_course(patient)
    for side, baseline, latest in ((bodies.LEFT_THIGH, "11", "8"), (RIGHT_THIGH, "10", "9")):
        given.post(f"/v1/courses/{course}/outcomes", bodies.outcome(baseline) | {"site": side})
        given.post(f"/v1/courses/{course}/outcomes",
                   bodies.outcome(latest, "follow_up", 1) | {"site": side})
    clock.advance(days=2)
    given.post(f"/v1/courses/{course}/injections", bodies.injection() | {
        "occurred_at": (clock() - timedelta(days=2)).isoformat(),
        "late_entry_reason": "charted on paper"})
    return patient, course


def test_the_html_copy_marks_late_entries_and_shows_each_side(client, clock):
    patient, _ = a_course_with_a_late_entry_and_both_sides(client, clock)
    page = copy(client, patient, "html").text
    assert page.count('class="late"') == 1
    assert re.search(r'Late entry: recorded \d+ h after it happened: <span class="reason">'
                     r'charted on paper</span>', page)
    assert "Progress by side" in page
    assert "<td>left</td><td>1</td><td>2</td><td>hexsel_csss</td><td>11</td><td>8</td>" \
           "<td>3</td>" in page
    assert "<td>right</td><td>0</td><td>0</td><td>hexsel_csss</td><td>10</td><td>9</td>" \
           "<td>1</td>" in page


def test_the_fhir_provenance_of_a_late_entry_says_so(client, clock):
    patient, _ = a_course_with_a_late_entry_and_both_sides(client, clock)
    bundle = copy(client, patient, "fhir").json()
    reasons = [reason for entry in bundle["entry"]
               if entry["resource"]["resourceType"] == "Provenance"
               for reason in entry["resource"].get("reason", [])
               if reason.get("coding", [{}])[0].get("code") == "late-entry"]
    [reason] = reasons  # the server's clock, not the test's, says how many hours
    assert re.fullmatch(r"Late entry, recorded \d+ h after: charted on paper", reason["text"])
