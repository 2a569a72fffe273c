"""Lot recalls over HTTP: the exposure list, voided injections on request and marked."""

from __future__ import annotations

import csv
import io

from tests.api import bodies
from tests.api.conftest import as_role, nothing_recorded, problem


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


CAFFEINE = {"product": "caffeine 2%", "lot": "CAF-001"}


def test_a_recall_refuses_only_that_products_lot_and_records_nothing(app, client, given):
    course = given.course(given.screened_patient())
    given.post("/v1/recalls", bodies.recall())
    shared = bodies.formulation()
    shared["ingredients"][1]["lot"] = "CAF-001"  # l-carnitine 5%, the same lot number
    shared["ingredients"][0]["lot"] = "CAF-002"

    with nothing_recorded(app):
        refused = client.post(f"/v1/courses/{course}/formulations", json=bodies.formulation(),
                              headers=as_role("clinician"))
    problem(refused, 409, rule="lot_recalled")
    given.post(f"/v1/courses/{course}/formulations", shared)


def test_a_regulators_recall_reaches_every_clinic_and_a_clinicians_only_its_own(
        app, client, given, given_b):
    course_b = given_b.course(given_b.screened_patient())
    given.post("/v1/recalls", bodies.recall())
    given_b.post(f"/v1/courses/{course_b}/formulations", bodies.formulation())
    given_b.post(f"/v1/courses/{course_b}/injections", bodies.injection(1))

    recalled = client.post("/v1/recalls", json=bodies.recall(), headers=as_role("regulator"))
    assert recalled.status_code == 201, recalled.text
    with nothing_recorded(app):
        refused = client.post(f"/v1/courses/{course_b}/injections",
                              json=bodies.injection(2), headers=given_b.headers("clinician"))
    problem(refused, 409, rule="lot_recalled")
    fresh = {"min_position": app.state.services.log_position()}
    seen_b = client.get("/v1/recalls", params=fresh, headers=given_b.headers("clinician"))
    assert [(r["clinic"], r["product"]) for r in seen_b.json()] == [("*", "caffeine 2%")]
    every = client.get("/v1/recalls", params=fresh, headers=as_role("regulator")).json()
    assert sorted(r["clinic"] for r in every) == ["*", "clinic-a"]


def test_the_recall_list_marks_voided_injections_and_who_was_reached_also_as_csv(
        app, client, given):
    patient = given.screened_patient()
    course = given.formulated_course(patient)
    given.injected(course, 1)
    voided = given.post(f"/v1/courses/{course}/injections",
                        {**bodies.injection(1), "site": {"area": "thighs.lateral",
                                                         "laterality": "right"}})
    given.post(f"/v1/courses/{course}/voids",
               {"version": voided["version"], "reason": "charted on the wrong side"})
    given.post("/v1/recalls", bodies.recall())
    given.post(f"/v1/patients/{patient}/recall-contacts", bodies.contact(reached=False),
               "nurse")
    fresh = {"min_position": app.state.services.log_position()}

    listed = client.get("/v1/recalls/exposures", params=CAFFEINE | fresh,
                        headers=as_role("clinician")).json()
    as_csv = client.get("/v1/recalls/exposures", params=CAFFEINE | fresh | {"format": "csv"},
                        headers=as_role("clinician"))

    assert sorted(e["voided"] for e in listed) == [False, True]
    assert {(e["patient_id"], len(e["contacts"])) for e in listed} == {(patient, 1)}
    assert listed[0]["contacts"][0]["reached"] is False
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert sorted(r["voided"] for r in rows) == ["False", "True"]
    assert {r["patient_id"] for r in rows} == {patient}
    other = client.get("/v1/recalls/exposures", params={"product": "l-carnitine 5%",
                                                         "lot": "CAF-001"} | fresh,
                       headers=as_role("clinician")).json()
    assert other == []


def test_a_contact_about_a_lot_not_recalled_in_the_clinic_is_refused(app, client, given):
    patient = given.patient()
    with nothing_recorded(app):
        refused = client.post(f"/v1/patients/{patient}/recall-contacts",
                              json=bodies.contact(), headers=as_role("nurse"))
    problem(refused, 409, rule="lot_not_recalled")


def test_signals_list_a_clinics_own_lots_and_every_lot_for_a_regulator(
        app, client, given, given_b):
    for steps in (given, given_b):
        course = steps.formulated_course(steps.screened_patient())
        steps.post(f"/v1/courses/{course}/injections", bodies.injection(1))
    fresh = {"min_position": app.state.services.log_position()}

    own = client.get("/v1/signals", params=fresh, headers=as_role("auditor")).json()
    every = client.get("/v1/signals", params=fresh, headers=as_role("regulator")).json()

    assert own["rules"] == {"window_days": 84, "infections": 2, "rate_ratio": "3",
                            "rate_min_events": 3}
    caffeine = {(lot["product"], lot["lot"]): lot for lot in own["lots"]}[
        ("caffeine 2%", "CAF-001")]
    assert (caffeine["injections"], caffeine["patients"], caffeine["signals"]) == (1, 1, [])
    assert caffeine["exposures"] == "/v1/recalls/exposures?product=caffeine+2%25&lot=CAF-001"
    assert {(lot["product"], lot["injections"]) for lot in every["lots"]} == {
        ("caffeine 2%", 2)}
