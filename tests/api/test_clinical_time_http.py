"""Issue 20 over HTTP: clinical time, late entries, strict times and types, clean names,
MRN variants, every form of a substance, session intervals, scales that fit, progress per
side and as it stood. Each refusal names its rule (409) or field (422) and records nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.api import bodies
from tests.api.conftest import SECRET, as_role, nothing_recorded, problem

CLINICIAN = as_role("clinician")
DESK = as_role("receptionist")
AUDITOR = as_role("auditor")
DAY = timedelta(days=1)
RIGHT_THIGH = {"area": "thighs.lateral", "laterality": "right"}


def post(client, path: str, body: dict, headers=CLINICIAN):
    return client.post(path, json=body, headers=headers)


def seen(app, **params) -> dict:
    """Query parameters of a read that sees every write so far."""
    return {"min_position": app.state.services.log_position(), **params}


# --- when ---------------------------------------------------------------------------------

def test_an_injection_400_days_back_is_409_backdated_too_far(app, client, given, clock):
    course = given.formulated_course()
    body = bodies.injection() | {"occurred_at": (clock() - 400 * DAY).isoformat(),
                                 "late_entry_reason": "found in the paper chart"}
    with nothing_recorded(app):
        response = post(client, f"/v1/courses/{course}/injections", body)
    problem(response, 409, rule="backdated_too_far")


def test_a_late_entry_without_a_reason_is_409_naming_the_rule(app, client, given, clock):
    course = given.formulated_course()
    clock.advance(days=2)
    body = bodies.injection() | {"occurred_at": (clock() - 2 * DAY).isoformat()}
    with nothing_recorded(app):
        response = post(client, f"/v1/courses/{course}/injections", body)
    problem(response, 409, rule="late_entry_unexplained")


def test_an_offset_of_plus_14_30_is_refused(app, client, given, clock):
    course = given.formulated_course()
    at = clock().astimezone(__import__("datetime").timezone(timedelta(hours=14, minutes=30)))
    with nothing_recorded(app):
        response = post(client, f"/v1/courses/{course}/injections",
                        bodies.injection() | {"occurred_at": at.isoformat()})
    assert problem(response, 422)["field"].endswith("occurred_at")


@pytest.mark.parametrize("path, change, field", [
    ("injections", {"occurred_at": 1780000000}, "occurred_at"),
    ("injections", {"points": True}, "points"),
    ("injections", {"session": 1.5}, "session"),
    ("adverse-events", {"serious": 1}, "serious"),
])
def test_numbers_are_not_times_and_booleans_are_not_numbers(app, client, given, clock, path,
                                                            change, field):
    course = given.formulated_course()
    body = (bodies.injection() if path == "injections" else bodies.adverse_event(clock()))
    with nothing_recorded(app):
        response = post(client, f"/v1/courses/{course}/{path}", body | change)
    assert problem(response, 422)["field"].endswith(field)


def test_a_date_of_birth_that_is_not_a_date_is_422(app, client):
    with nothing_recorded(app):
        response = post(client, "/v1/patients", bodies.registration() | {
            "date_of_birth": 19850314}, DESK)
    assert problem(response, 422)["field"].endswith("date_of_birth")


@pytest.mark.parametrize("birth", ["2030-01-01", "0001-01-01", "1890-06-01"])
def test_implausible_dates_of_birth_are_409_naming_the_rule(app, client, birth):
    """Judged against today, so no schema can say it: a rule, not a malformed field."""
    with nothing_recorded(app):
        response = post(client, "/v1/patients", bodies.registration() | {
            "date_of_birth": birth}, DESK)
    problem(response, 409, rule="implausible_birth_date")


def test_a_consent_signed_in_2028_is_409_naming_the_rule(app, client, given):
    patient = given.patient()
    with nothing_recorded(app):
        response = post(client, f"/v1/patients/{patient}/consents",
                        bodies.consent(datetime(2028, 1, 1, tzinfo=UTC)), DESK)
    problem(response, 409, rule="consent_signed_out_of_time")


@pytest.mark.parametrize("field, value", [
    ("name", "Ana\u202e avliS"), ("name", "\u200b \u200b"), ("mrn", "B-1001\x07"),
    ("mrn", "   ")])
def test_names_and_mrns_with_hidden_or_reordering_characters_are_422(app, client, field,
                                                                     value):
    with nothing_recorded(app):
        response = post(client, "/v1/patients", bodies.registration() | {field: value}, DESK)
    assert problem(response, 422)["field"].endswith(field)


def test_a_token_whose_name_holds_control_characters_is_401(client, given):
    now = datetime.now(UTC)
    forged = jwt.encode({"sub": "u-1", "name": "Dr Evil\nAdmin", "role": "clinician",
                         "clinic": "clinic-a", "iat": now, "exp": now + timedelta(hours=1)},
                        SECRET, algorithm="HS256")
    response = client.get("/v1/patients", headers={"Authorization": f"Bearer {forged}"})
    problem(response, 401)


# --- uniqueness, substances, intervals, scales ----------------------------------------------

@pytest.mark.parametrize("variant", ["b-1001", " B-1001", "B\u20111001", "\uff22-1001"])
def test_mrn_variants_are_409_naming_the_existing_mrn(app, client, given, variant):
    given.patient(mrn="B-1001")
    with nothing_recorded(app):
        response = post(client, "/v1/patients", bodies.registration(variant), DESK)
    assert "B-1001" in problem(response, 409, rule="duplicate_mrn")["detail"]


def test_a_lidocaine_allergy_refuses_lidocaine_hydrochloride(app, client, given):
    patient = given.screened_patient()
    given.post(f"/v1/patients/{patient}/allergies", {"substance": "Lidocaine",
                                                     "reaction": "urticaria"})
    course = given.course(patient)
    mix = bodies.formulation()
    mix["ingredients"][0] |= {"substance": "LIDOCAINE hydrochloride",
                              "category": "local_anaesthetic"}
    with nothing_recorded(app):
        response = post(client, f"/v1/courses/{course}/formulations", mix)
    detail = problem(response, 409, rule="allergen_in_formulation")["detail"]
    assert "allergic to lidocaine" in detail and "LIDOCAINE hydrochloride" in detail


def test_same_day_sessions_are_409_unless_a_reason_is_written(app, client, given):
    course = given.formulated_course()
    given.injected(course, 1)
    with nothing_recorded(app):
        response = post(client, f"/v1/courses/{course}/injections", bodies.injection(2))
    problem(response, 409, rule="session_too_soon")
    given.post(f"/v1/courses/{course}/injections", bodies.injection(2) | {
        "interval_override": "flies home tomorrow"})
    history = client.get(f"/v1/patients/{_patient_of(client, course)}/history",
                         headers=CLINICIAN, params=seen(app)).json()
    assert history[-1]["details"]["dose"]["interval_override"] == "flies home tomorrow"


def test_hair_density_on_the_thighs_is_409_naming_both(app, client, given):
    course = given.course()
    with nothing_recorded(app):
        response = post(client, f"/v1/courses/{course}/outcomes",
                        bodies.outcome() | {"scale": "hair_density", "score": "120"})
    detail = problem(response, 409, rule="scale_not_for_area")["detail"]
    assert "hair_density" in detail and "thighs.lateral" in detail


# --- progress per side, late entries marked, as it stood ------------------------------------

def _patient_of(client, course: str) -> str:
    return client.get(f"/v1/courses/{course}", headers=CLINICIAN).json()["patient_id"]


def test_bilateral_progress_takes_baseline_and_latest_from_the_same_side(app, client, given):
    course = given.formulated_course()
    for side, baseline, latest in ((bodies.LEFT_THIGH, "11", "8"), (RIGHT_THIGH, "10", "9")):
        given.post(f"/v1/courses/{course}/outcomes",
                   bodies.outcome(baseline) | {"site": side})
        given.post(f"/v1/courses/{course}/outcomes",
                   bodies.outcome(latest, "follow_up", 1) | {"site": side})
    response = client.get(f"/v1/patients/{_patient_of(client, course)}/progress",
                          headers=CLINICIAN, params=seen(app))
    [row] = response.json()
    assert row["scores"] == []  # no score was recorded for both sides at once
    sides = {s["side"]: s["scores"][0] for s in row["sides"]}
    assert (sides["left"]["baseline"], sides["left"]["latest"],
            sides["left"]["improvement"]) == ("11", "8", "3")
    assert (sides["right"]["baseline"], sides["right"]["improvement"]) == ("10", "1")


def test_a_late_entry_is_marked_in_history_and_listed_for_the_auditor(app, client, given,
                                                                      clock):
    course = given.formulated_course()
    clock.advance(days=2)
    late = given.post(f"/v1/courses/{course}/injections", bodies.injection() | {
        "occurred_at": (clock() - 2 * DAY).isoformat(),
        "late_entry_reason": "charted on paper"})
    patient = _patient_of(client, course)
    history = client.get(f"/v1/patients/{patient}/history", headers=CLINICIAN,
                         params=seen(app)).json()
    marked = [entry for entry in history if entry["late_entry"]]
    assert [(e["version"], e["late_entry"]["reason"]) for e in marked] == [
        (late["version"], "charted on paper")]
    page = client.get("/v1/audit", headers=AUDITOR,
                      params=seen(app, late="true", actor="u-clin-1")).json()
    assert [e["position"] for e in page["entries"]] == [late["position"]]
    assert all(e["late_entry"] for e in page["entries"])


def test_progress_and_history_answer_as_of_an_instant(app, client, given, clock):
    course = given.formulated_course()
    given.post(f"/v1/courses/{course}/outcomes", bodies.outcome("9"))
    before = datetime.now(UTC)  # `as_of` is the server's recorded time
    clock.advance(days=14)
    given.injected(course, 1)
    patient = _patient_of(client, course)
    as_of = seen(app, as_of=before.isoformat())
    history = client.get(f"/v1/patients/{patient}/history", headers=CLINICIAN,
                         params=as_of).json()
    assert "Injected" not in [entry["event_type"] for entry in history]
    [then] = client.get(f"/v1/patients/{patient}/progress", headers=CLINICIAN,
                        params=as_of).json()
    [now] = client.get(f"/v1/patients/{patient}/progress", headers=CLINICIAN,
                       params=seen(app)).json()
    assert (then["sessions_done"], now["sessions_done"]) == (0, 1)
    assert then["scores"][0]["baseline"] == "9"
