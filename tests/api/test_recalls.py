"""Lot recalls over HTTP: the exposure list, voided injections on request and marked."""

from __future__ import annotations

from tests.api import bodies
from tests.api.conftest import as_role


def test_a_voided_injection_is_listed_marked_only_when_asked_for(client, given):
    course = given.formulated_course(given.screened_patient())
    kept = given.injected(course, 1)
    voided = given.post(f"/v1/courses/{course}/injections",
                        {**bodies.injection(1),
                         "site": {"area": "thighs.lateral", "laterality": "right"}})
    given.post(f"/v1/courses/{course}/voids",
               {"version": voided["version"], "reason": "charted on the wrong side"})
    fresh = {"min_position": client.app.state.services.log_position()}

    live = client.get("/v1/lots/CAF-001/exposures", params=fresh, headers=as_role("clinician"))
    every = client.get("/v1/lots/CAF-001/exposures", params=fresh | {"include_voided": "true"},
                       headers=as_role("clinician"))

    assert [(e["injection_version"], e["voided"]) for e in live.json()] == [
        (kept["version"], False)]
    assert sorted((e["injection_version"], e["voided"]) for e in every.json()) == [
        (kept["version"], False), (voided["version"], True)]
