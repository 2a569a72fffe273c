"""Refusals over HTTP: a rule of the domain is a 409 naming the rule, malformed input a 422
naming the field, an unknown route a 404 problem; none of them records anything. Text that
looks like SQL is stored verbatim."""

from __future__ import annotations

from datetime import timedelta

from tests.api import bodies
from tests.api.conftest import as_role, nothing_recorded, problem

CLINICIAN, DESK = as_role("clinician"), as_role("receptionist")
ABDOMEN = {"area": "abdomen.central", "laterality": "midline"}
MEGABYTE = "x" * 1_000_000


def test_a_course_for_an_unscreened_patient_is_refused(app, client, given):
    patient = given.consented_patient()
    with nothing_recorded(app):
        response = client.post(f"/v1/patients/{patient}/courses", json=bodies.plan(),
                               headers=CLINICIAN)
    problem(response, 409, rule="no_screening")


def test_a_course_for_an_ineligible_patient_is_refused(app, client, given):
    patient = given.consented_patient()
    given.post(f"/v1/patients/{patient}/screenings", bodies.screening("pregnancy"))
    with nothing_recorded(app):
        response = client.post(f"/v1/patients/{patient}/courses", json=bodies.plan(),
                               headers=CLINICIAN)
    problem(response, 409, rule="not_eligible")


def test_an_injection_without_treatment_consent_is_refused(app, client, given):
    patient = given.screened_patient()
    course = given.formulated_course(patient)
    given.post(f"/v1/patients/{patient}/consents/treatment/withdrawal",
               {"reason": "changed her mind"}, "receptionist")
    with nothing_recorded(app):
        response = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                               headers=CLINICIAN)
    problem(response, 409, rule="no_treatment_consent")


def test_an_injection_on_an_outdated_screening_is_refused(app, client, given, clock):
    course = given.formulated_course()
    clock.advance(days=31)
    with nothing_recorded(app):
        response = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                               headers=CLINICIAN)
    problem(response, 409, rule="screening_outdated")


def test_an_injection_breaking_a_rule_is_refused_naming_it(app, client, given, subtests):
    course = given.formulated_course()
    for change, rule in (({"site": ABDOMEN}, "area_not_planned"),
                         ({"depth_mm": "9"}, "depth_out_of_range"),
                         ({"formulation_version": 2}, "formulation_missing"),
                         ({"volume_ml": "11"}, "volume_limit_exceeded"),
                         ({"session": 2}, "session_out_of_sequence"),
                         ({"lots": ["CAF-999"]}, "lot_not_in_formulation")):
        with subtests.test(rule=rule), nothing_recorded(app):
            response = client.post(f"/v1/courses/{course}/injections",
                                   json=bodies.injection(1) | change, headers=CLINICIAN)
            problem(response, 409, rule=rule)


def test_an_injection_before_any_formulation_is_refused(app, client, given):
    course = given.course()
    with nothing_recorded(app):
        response = client.post(f"/v1/courses/{course}/injections", json=bodies.injection(1),
                               headers=CLINICIAN)
    problem(response, 409, rule="formulation_missing")


def test_a_duplicate_mrn_in_the_clinic_is_refused(app, client, given):
    given.patient("MRN-0042")
    with nothing_recorded(app):
        response = client.post("/v1/patients", json=bodies.registration("MRN-0042", "Other"),
                               headers=DESK)
    problem(response, 409, rule="duplicate_mrn")


NONSENSE = ["NaN", "Infinity", "-Infinity", "1e999", "1e-999", "0x10", "1,5", "--1", "",
            "2.00001", "0", "-2", True, None, [], {}, "二", "1_000"]


def test_float_like_nonsense_in_a_quantity_is_422_naming_it(app, client, given, subtests):
    course = given.formulated_course()
    for nonsense in NONSENSE:
        for field in ("volume_ml", "depth_mm", "needle_length_mm"):
            with subtests.test(value=nonsense, field=field), nothing_recorded(app):
                response = client.post(f"/v1/courses/{course}/injections",
                                       json=bodies.injection(1) | {field: nonsense},
                                       headers=CLINICIAN)
                problem(response, 422, field=field)


def test_a_bad_area_is_422_naming_it(app, client, given, subtests):
    patient = given.screened_patient()
    for site, field in (({"area": "thighs.nowhere", "laterality": "left"}, "areas.0.area"),
                        ({"area": "abdomen.central", "laterality": "left"}, "laterality"),
                        ({"area": "thighs.lateral", "laterality": "upwards"},
                         "areas.0.laterality"),
                        ({"area": "", "laterality": "left"}, "areas.0.area"),
                        ({"area": "thighs.lateral"}, "areas.0.laterality"),
                        ({"area": ["thighs.lateral"], "laterality": "left"}, "areas.0.area")):
        with subtests.test(site=site), nothing_recorded(app):
            response = client.post(f"/v1/patients/{patient}/courses",
                                   json=bodies.plan(6, "cellulite", site), headers=CLINICIAN)
            problem(response, 422, field=field)


def test_an_entry_without_a_zone_is_422_and_one_dated_in_the_future_409(app, client, given,
                                                                        clock):
    course = given.formulated_course()
    for when, status, named in (
            ((clock() + timedelta(days=1)).isoformat(), 409, {"rule": "dated_in_future"}),
            ("2026-01-01T10:00:00", 422, {"field": "occurred_at"})):
        with nothing_recorded(app):
            response = client.post(f"/v1/courses/{course}/outcomes",
                                   json=bodies.outcome() | {"occurred_at": when},
                                   headers=CLINICIAN)
        problem(response, status, **named)
    read = client.get(f"/v1/courses/{course}", params={"as_of": "2026-01-01T10:00:00"},
                      headers=CLINICIAN)
    problem(read, 422, field="query.as_of")


def test_a_megabyte_in_a_text_field_is_422_naming_it(app, client, given, subtests):
    patient = given.screened_patient()
    course = given.formulated_course(patient)
    for path, body, field, role in (
        ("/v1/patients", bodies.registration("MRN-9", MEGABYTE), "name", "receptionist"),
        ("/v1/patients", bodies.registration("MRN-9") | {"contact": MEGABYTE}, "contact",
         "receptionist"),
        ("/v1/patients", bodies.registration(MEGABYTE), "mrn", "receptionist"),
        (f"/v1/courses/{course}/status", {"action": "suspend", "reason": MEGABYTE}, "reason",
         "clinician"),
        (f"/v1/courses/{course}/adverse-events", bodies.adverse_event(given.clock()) | {
            "description": MEGABYTE}, "description", "clinician"),
        (f"/v1/patients/{patient}/allergies", {"substance": "latex", "reaction": MEGABYTE},
         "reaction", "clinician"),
        (f"/v1/patients/{patient}/screenings", bodies.screening() | {
            "override_justification": MEGABYTE}, "override_justification", "clinician"),
    ):
        with subtests.test(field=field), nothing_recorded(app):
            response = client.post(path, json=body, headers=as_role(role))
            problem(response, 422, field=field)


def test_control_characters_in_text_are_422_naming_the_field(app, client, subtests):
    for body, field in ((bodies.registration("MRN-9", "Ann\x00Lee"), "name"),
                        (bodies.registration("MRN\x009"), "mrn"),
                        (bodies.registration("MRN-9", "Ann\x1b[31mLee"), "name"),
                        (bodies.registration("MRN-9") | {"contact": "a\x00b"}, "contact")):
        with subtests.test(field=field), nothing_recorded(app):
            problem(client.post("/v1/patients", json=body, headers=DESK), 422, field=field)


def test_a_nul_in_a_lot_or_condition_is_422_and_the_views_keep_running(app, client, given):
    patient = given.screened_patient()
    course = given.course(patient)
    with nothing_recorded(app):
        formulated = client.post(f"/v1/courses/{course}/formulations",
                                 json=bodies.formulation("CAF\x00001"), headers=CLINICIAN)
        condition = client.post(f"/v1/patients/{patient}/conditions",
                                json={"condition": "mig\x00raine"}, headers=CLINICIAN)
        recall = client.get("/v1/lots/CAF%00001/exposures", headers=CLINICIAN)
    problem(formulated, 422, field="ingredients.0.lot")
    problem(condition, 422, field="condition")
    problem(recall, 422, field="path.lot")
    health = client.get("/v1/health").json()
    assert client.get("/v1/patients", headers=DESK, params={
        "min_position": health["log_position"]}).status_code == 200


SQL = "Robert'); DROP TABLE patient_directory;-- %_\\ \" ; SELECT * FROM events"


def test_text_that_looks_like_sql_is_stored_verbatim(app, client, given):
    patient = given.patient("MRN-'; DELETE FROM x;--", name=SQL)
    given.post(f"/v1/patients/{patient}/consents", bodies.consent(given.clock()),
               "receptionist")
    given.post(f"/v1/patients/{patient}/screenings", bodies.screening())
    course = given.post(f"/v1/patients/{patient}/courses", bodies.plan())["course_id"]
    lot = "LOT-'1'--; DROP"
    given.post(f"/v1/courses/{course}/formulations", bodies.formulation(lot))
    given.post(f"/v1/courses/{course}/injections", bodies.injection(1, lot=lot))
    given.post(f"/v1/patients/{patient}/allergies", {"substance": "latex", "reaction": SQL})
    given.post(f"/v1/patients/{patient}/conditions", {"condition": SQL, "note": SQL})
    fresh = {"min_position": app.state.services.log_position()}

    record = client.get(f"/v1/patients/{patient}", headers=CLINICIAN).json()
    found = client.get("/v1/patients", params={"q": "robert'); drop"} | fresh,
                       headers=DESK).json()
    wildcards = [client.get("/v1/patients", params={"q": q} | fresh, headers=DESK).json()
                 for q in ("%", "_", "'", "\\")]
    recalled = client.get(f"/v1/lots/{lot}/exposures", params=fresh, headers=CLINICIAN)

    assert (record["personal_data"]["name"], record["mrn"]) == (SQL, "MRN-'; DELETE FROM x;--")
    assert record["unresolved_conditions"] == [SQL]
    assert [(p["name"], p["patient_id"]) for p in found] == [(SQL, patient)]
    assert wildcards == [[], [], [], []]
    assert [e["lot"] for e in recalled.json()] == [lot]
    assert client.get("/v1/integrity/verify", headers=as_role("auditor")).json()["ok"]


def test_an_unknown_route_or_method_is_a_problem(app, client, subtests):
    for method, path, status in (("GET", "/v1/nothing-here", 404),
                                 ("POST", "/v1/patients/x/y/z", 404),
                                 ("GET", "/v2/patients", 404), ("DELETE", "/v1/patients", 405),
                                 ("PUT", "/v1/integrity/verify", 405)):
        with subtests.test(method=method, path=path), nothing_recorded(app):
            problem(client.request(method, path, headers=CLINICIAN, json={}), status)


def test_a_body_that_is_not_json_is_422(app, client):
    with nothing_recorded(app):
        for content, kind in (("{", "application/json"), ("mrn=1", "text/plain"),
                              ("[]", "application/json"), ("null", "application/json")):
            response = client.post("/v1/patients", content=content,
                                   headers=DESK | {"content-type": kind})
            problem(response, 422)


def test_a_malformed_identifier_is_422_naming_it(app, client):
    with nothing_recorded(app):
        read = client.get("/v1/patients/not-a-uuid", headers=CLINICIAN)
        write = client.post("/v1/courses/1234/injections", json=bodies.injection(1),
                            headers=CLINICIAN)
    problem(read, 422, field="path.patient_id")
    problem(write, 422, field="path.course_id")
