"""JSON bodies a clinic's software sends: realistic defaults, override what a test is about."""

from __future__ import annotations

from datetime import datetime

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
