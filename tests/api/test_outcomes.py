"""Protocols and the outcomes registry over HTTP: a mix made from a protocol names it; the
registry shows a clinic its own groups in full and suppresses small ones across clinics;
CSV gives the same groups; the page says what observational data cannot show."""

from __future__ import annotations

import csv
import io

from tests.api import bodies
from tests.api.conftest import as_role, nothing_recorded, problem

HEXSEL = {"indication": "cellulite", "area": "thighs.lateral", "scale": "hexsel_csss"}


def improved_course(given, mrn: str, protocol_id: str | None = None) -> str:
    course = given.course(given.screened_patient(mrn))
    given.post(f"/v1/courses/{course}/formulations",
               bodies.formulation() | ({"protocol_id": protocol_id} if protocol_id else {}))
    given.post(f"/v1/courses/{course}/outcomes", bodies.outcome("9"))
    given.injected(course, 1)
    given.post(f"/v1/courses/{course}/outcomes", bodies.outcome("7", "follow_up", 1))
    return course


def test_a_mix_from_a_protocol_shows_in_the_registry_by_the_protocols_name(
        app, client, given):
    protocol = given.post("/v1/protocols", bodies.protocol())["protocol_id"]
    improved_course(given, "MRN-0001", protocol)
    fresh = {"min_position": app.state.services.log_position()}

    listed = client.get("/v1/protocols", params=fresh, headers=as_role("nurse")).json()
    found = client.get("/v1/outcomes", params=HEXSEL | fresh, headers=as_role("nurse")).json()

    assert [(p["protocol_id"], p["name"]) for p in listed] == [(protocol, "lipolytic 1:2.5")]
    groups = {(c["by"], c["group"]): c for c in found["cells"]}
    assert groups[("mix", "protocol lipolytic 1:2.5")]["median"] == 2.0
    assert groups[("sessions", "1")]["patients"] == 1
    assert found["suppressed_below"] is None
    assert "not established" in found["note"] and "cannot show" in found["note"]


def test_a_mix_that_differs_from_its_protocol_is_refused_and_nothing_recorded(
        app, client, given):
    protocol = given.post("/v1/protocols", bodies.protocol())["protocol_id"]
    course = given.course(given.screened_patient())
    stronger = bodies.formulation() | {"protocol_id": protocol}
    stronger["ingredients"][0]["amount"] = "200"
    with nothing_recorded(app):
        refused = client.post(f"/v1/courses/{course}/formulations", json=stronger,
                              headers=as_role("clinician"))
    problem(refused, 409, rule="mix_differs_from_protocol")


def test_a_regulator_sees_small_groups_suppressed_and_a_clinic_its_own_in_full(
        app, client, given):
    for n in range(2):
        improved_course(given, f"MRN-000{n}")
    fresh = {"min_position": app.state.services.log_position()}

    own = client.get("/v1/outcomes", params=HEXSEL | fresh, headers=as_role("auditor")).json()
    every = client.get("/v1/outcomes", params=HEXSEL | fresh,
                       headers=as_role("regulator")).json()
    as_csv = client.get("/v1/outcomes", params=HEXSEL | fresh | {"format": "csv"},
                        headers=as_role("regulator"))

    first = [c for c in own["cells"] if c["by"] == "sessions"][0]
    assert (first["patients"], first["median"], first["suppressed"]) == (2, 2.0, False)
    hidden = [c for c in every["cells"] if c["by"] == "sessions"][0]
    assert (hidden["patients"], hidden["median"], hidden["suppressed"]) == (None, None, True)
    assert every["suppressed_below"] == 5
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert {r["suppressed"] for r in rows} == {"True"} and {r["median"] for r in rows} == {""}


def test_an_unknown_scale_is_malformed(client):
    problem(client.get("/v1/outcomes", params={"scale": "bmi"}, headers=as_role("nurse")),
            422)
