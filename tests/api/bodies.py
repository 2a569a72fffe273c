"""JSON bodies a clinic's software sends: realistic defaults, override what a test is about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import uuid4

from domain.vocabulary import CONTRAINDICATIONS

LEFT_THIGH = {"area": "thighs.lateral", "laterality": "left"}
THIGHS = {"area": "thighs.lateral", "laterality": "bilateral"}


def registration(mrn: str = "MRN-0001", name: str = "Genevieve Okonkwo-Hart") -> dict:
    return {"mrn": mrn, "name": name, "date_of_birth": "1985-03-14", "sex": "female",
            "contact": "genevieve@example.org"}


def consent(signed_at: datetime, scope: str = "treatment") -> dict:
    return {"scope": scope, "form_version": "TC-2026-1", "document_sha256": "ab" * 32,
            "signed_at": signed_at.isoformat()}


def screening(*present: str, indications: tuple[str, ...] = ("cellulite",)) -> dict:
    return {"indications": list(indications),
            "contraindications": {code: code in present for code in CONTRAINDICATIONS},
            "fitzpatrick_type": "III"}


def plan(sessions: int = 6, indication: str = "cellulite", *areas: dict) -> dict:
    return {"indication": indication, "areas": list(areas or (THIGHS,)),
            "sessions": sessions, "interval_days": 14}


def formulation(lot: str = "CAF-001") -> dict:
    return {"ingredients": [
        {"substance": "caffeine", "category": "other", "amount": "100", "unit": "mg",
         "product": "caffeine 2%", "lot": lot, "expiry": "2030-01-31"},
        {"substance": "l-carnitine", "category": "amino_acid", "amount": "250", "unit": "mg",
         "product": "l-carnitine 5%", "lot": "CAR-002", "expiry": "2030-01-31"}],
        "vehicle": {"name": "sodium chloride 0.9%", "base": "aqueous"},
        "total_volume_ml": "5"}


def injection(session: int = 1, *, lot: str = "CAF-001", volume: str = "2",
              supervisor: str | None = None) -> dict:
    body = {"session": session, "site": LEFT_THIGH, "technique": "nappage", "depth_mm": "3",
            "needle_gauge": 30, "needle_length_mm": "4", "points": 20, "volume_ml": volume,
            "formulation_version": 1, "lots": [lot]}
    return body | ({"supervisor": supervisor} if supervisor else {})


def outcome(score: str = "9", kind: str = "baseline", session: int = 0) -> dict:
    return {"site": THIGHS, "scale": "hexsel_csss", "score": score, "kind": kind,
            "session": session}


def adverse_event(onset: datetime, serious: bool = False) -> dict:
    return {"site": LEFT_THIGH, "kind": "bruising", "severity": "severe" if serious else "mild",
            "serious": serious, "onset": onset.isoformat(), "action_taken": "cold compress"}


def amendment(name: str = "Genevieve Okonkwo-Hart", reason: str = "typo at registration") -> dict:
    return {k: v for k, v in registration(name=name).items() if k != "mrn"} | {"reason": reason}


SUPERVISOR = "Dr Maria Rossi"
# A valid body for every write route, by path template, given the server's `now`.
WRITES: dict[str, Callable[[datetime], dict]] = {
    "/v1/patients": lambda now: registration(f"MRN-{uuid4().hex[:10]}"),
    "/v1/patients/{patient_id}/personal-data": lambda now: amendment(),
    "/v1/patients/{patient_id}/consents": lambda now: consent(now, scope="photography"),
    "/v1/patients/{patient_id}/consents/{scope}/withdrawal": lambda now: {
        "reason": "no longer wishes to be photographed"},
    "/v1/patients/{patient_id}/screenings": lambda now: screening(),
    "/v1/patients/{patient_id}/allergies": lambda now: {"substance": "latex",
                                                        "reaction": "urticaria"},
    "/v1/patients/{patient_id}/conditions": lambda now: {"condition": "migraine",
                                                         "note": "since childhood"},
    "/v1/patients/{patient_id}/conditions/{condition}/resolution": lambda now: {
        "reason": "reassessed"},
    "/v1/patients/{patient_id}/courses": lambda now: plan(),
    "/v1/courses/{course_id}/plan": lambda now: plan(8) | {"reason": "slow response"},
    "/v1/courses/{course_id}/status": lambda now: {"action": "suspend",
                                                   "reason": "patient travelling"},
    "/v1/courses/{course_id}/voids": lambda now: {"version": 2,
                                                  "reason": "entered on the wrong course"},
    "/v1/patients/{patient_id}/voids": lambda now: {"version": 2, "kind": "consent",
                                                    "reason": "signed by another patient"},
    "/v1/courses/{course_id}/formulations": lambda now: formulation(),
    "/v1/courses/{course_id}/injections": lambda now: injection(1, volume="1",
                                                                supervisor=SUPERVISOR),
    "/v1/courses/{course_id}/outcomes": lambda now: outcome("8", "follow_up", 1),
    "/v1/courses/{course_id}/adverse-events": lambda now: adverse_event(now),
    "/v1/patients/{patient_id}/erasure": lambda now: {"reason": "the patient's request"},
    "/v1/patients/{patient_id}/signatures": lambda now: {
        "version": 1, "meaning": "review", "password": "a long enough passphrase"},
    "/v1/courses/{course_id}/signatures": lambda now: {
        "version": 1, "meaning": "review", "password": "a long enough passphrase"},
    "/v1/patients/{patient_id}/signatures/{version}/revocations": lambda now: {
        "reason": "signed the wrong entry"},
    "/v1/courses/{course_id}/signatures/{version}/revocations": lambda now: {
        "reason": "signed the wrong entry"},
    "/v1/staff": lambda now: {"name": "Nurse Ada Lovelace", "roles": ["nurse"],
                              "email": f"ada-{uuid4().hex[:8]}@clinic-a.example.org",
                              "password": "a long enough passphrase"},
    "/v1/staff/{staff_id}/roles": lambda now: {"role": "nurse"},
    "/v1/staff/{staff_id}/role-revocations": lambda now: {"role": "nurse",
                                                          "reason": "covering ended"},
    "/v1/staff/{staff_id}/deactivation": lambda now: {"reason": "left the clinic"},
    "/v1/staff/{staff_id}/reactivation": lambda now: {"reason": "came back"},
    "/v1/staff/{staff_id}/password": lambda now: {"password": "another long passphrase"},
    "/v1/recalls": lambda now: recall(),
    "/v1/patients/{patient_id}/recall-contacts": lambda now: contact(),
    "/v1/protocols": lambda now: protocol(),
    "/v1/products": lambda now: {"name": f"caffeine 2% {uuid4().hex[:6]}",
                                 "manufacturer": "Laboratoires Meso", "gtin": "03760123456784"},
}


def protocol(name: str = "lipolytic 1:2.5") -> dict:
    """The components of `formulation()`'s mix."""
    return {"name": name, "components": [
        {"substance": "caffeine", "category": "other", "amount": "100", "unit": "mg"},
        {"substance": "l-carnitine", "category": "amino_acid", "amount": "250", "unit": "mg"}]}


def recall(product: str = "caffeine 2%", lot: str = "CAF-001",
           reason: str = "sterility failure reported by the manufacturer") -> dict:
    return {"product": product, "lot": lot, "reason": reason}


def contact(product: str = "caffeine 2%", lot: str = "CAF-001", reached: bool = True) -> dict:
    return {"product": product, "lot": lot, "method": "phone", "reached": reached}
