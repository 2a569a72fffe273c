"""Property: every history the API accepts exports, as JSON, FHIR and HTML, through the real
export. Histories are made of whatever a clinic's software may send (odd names and texts,
any offset, late and backdated entries, refusals among them); an export never answers 500
and every FHIR bundle parses back as R4B. And an old store holding an entry dated with a
+14:30 offset, which the API now refuses, still exports."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID, uuid4

from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import bodies
from tests.api.conftest import as_role
from tests.clinic import CLINICIAN

DR, DESK, REGULATOR = as_role("clinician"), as_role("receptionist"), as_role("regulator")
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@st.composite
def when(draw, now: datetime) -> dict:
    """A clinical time some hours back in any offset, explained (or not) when late."""
    at = (now - timedelta(hours=draw(st.integers(0, 24 * 3)))).astimezone(draw(OFFSETS))
    reason = draw(st.one_of(st.none(), TEXT))
    return {"occurred_at": at.isoformat()} | ({"late_entry_reason": reason} if reason else {})


@st.composite
def history(draw, now: datetime) -> list[tuple[str, dict, dict]]:
    """(path template, body, headers) steps: a patient's course with odd values in it."""
    name, note = draw(TEXT), draw(TEXT)
    allergy = draw(st.sampled_from(["lidocaine", "vitamin C", "caffeine"]) | TEXT)
    scale = draw(st.sampled_from(["hexsel_csss", "gais", "hair_density", "wsrs"]))
    side = draw(st.sampled_from(["left", "right", "bilateral"]))
    site = {"area": "thighs.lateral", "laterality": side}
    return [
        ("/v1/patients", bodies.registration(f"M-{uuid4().hex[:8]}", name or "x"), DESK),
        ("{p}/consents", bodies.consent(now - timedelta(hours=80)), DESK),
        ("{p}/screenings", bodies.screening() | draw(when(now)), DR),
        ("{p}/allergies", {"substance": allergy, "reaction": note}, DR),
        ("{p}/courses", bodies.plan() | draw(when(now)), DR),
        ("{c}/formulations", bodies.formulation() | draw(when(now)), DR),
        ("{c}/outcomes", bodies.outcome(str(draw(st.integers(0, 15))))
         | {"site": site, "scale": scale} | draw(when(now)), DR),
        ("{c}/injections", bodies.injection() | {"site": site} | draw(when(now)), DR),
        ("{c}/adverse-events", bodies.adverse_event(now) | {"description": note}, DR),
        ("{c}/voids", {"version": draw(st.integers(1, 6)), "reason": note or "x"}, DR),
        ("{c}/status", {"action": draw(st.sampled_from(["suspend", "complete"])),
                        "reason": note or "x"}, DR),
        ("{p}/voids", {"version": draw(st.integers(1, 6)), "reason": note or "x"}, DR)]


def made(client, steps) -> str:
    ids: dict[str, str] = {}
    for path, body, headers in steps:
        url = path.format(p=f"/v1/patients/{ids.get('p')}", c=f"/v1/courses/{ids.get('c')}")
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code < 500, answer.text
        if answer.status_code == 201 and "patient_id" in answer.json() and "p" not in ids:
            ids["p"] = answer.json()["patient_id"]
        if answer.status_code == 201 and "course_id" in answer.json():
            ids["c"] = answer.json()["course_id"]
    return ids.get("p", "")


def exports_everywhere(client, patient_id: str) -> None:
    for format in ("json", "fhir", "html"):
        response = client.get(f"/v1/patients/{patient_id}/export", headers=REGULATOR,
                              params={"format": format})
        assert response.status_code == 200, (format, response.text[:2000])
        if format == "fhir":
            Bundle.model_validate_json(response.content)


@settings(max_examples=12, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_history_the_api_accepts_exports_in_every_format(client, clock, data):
    patient_id = made(client, data.draw(history(clock())))
    if patient_id:
        exports_everywhere(client, patient_id)


def test_an_old_entry_dated_plus_14_30_still_exports(app, client, clock):
    patient_id = client.post("/v1/patients", json=bodies.registration(),
                             headers=DESK).json()["patient_id"]
    records = app.state.services.records
    patient = records.patient(UUID(patient_id))
    beyond = clock().astimezone(timezone(timedelta(hours=14, minutes=30)))
    patient.record_allergy("caffeine", "rash", CLINICIAN, beyond)  # as an old store holds it
    records.save(patient)
    exports_everywhere(client, patient_id)
    fhir = client.get(f"/v1/patients/{patient_id}/export", headers=REGULATOR,
                      params={"format": "fhir"}).json()
    recorded = [e["resource"] for e in fhir["entry"]
                if e["resource"]["resourceType"] == "AllergyIntolerance"]
    assert recorded and all("+14:30" not in str(resource) for resource in recorded)
