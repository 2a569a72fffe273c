"""What the course page's forms send, shaped as the API's request bodies, and the choices
they offer (the plan's areas, the live mixes and their lots, the next session)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.datastructures import FormData

from api.http.auth import Caller
from api.http.schemas.records import CourseOut
from api.http.schemas.signatures import RevocationIn
from api.web.forms import Refused
from domain.vocabulary import (
    ADVERSE_EVENT_KINDS,
    AMOUNT_UNITS,
    INGREDIENT_CATEGORIES,
    SCALE_REGIONS,
    SCALES,
    SEVERITIES,
    TECHNIQUES,
    VEHICLE_BASES,
)

INGREDIENT_ROWS = 4
INGREDIENT_FIELDS = ("substance", "category", "amount", "unit", "product", "lot", "expiry")
STATUS_ACTIONS = ("suspend", "resume", "complete", "discontinue")


def _get(form, name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def mix_values(form: FormData) -> dict:
    return {name: _get(form, name) for name in form.keys() if name != "csrf"}


def mix_body(values: dict) -> dict:
    ingredients = []
    for row in range(INGREDIENT_ROWS):
        item = {f: values.get(f"ing{row}-{f}") for f in INGREDIENT_FIELDS}
        if any(item.values()):
            ingredients.append({k: v for k, v in item.items() if v is not None})
    return {
        "ingredients": ingredients,
        "total_volume_ml": values.get("total_volume_ml"),
        "vehicle": {
            "name": values.get("vehicle_name") or "",
            "base": values.get("vehicle_base") or "",
        },
    }


def _site(value: str | None) -> dict | None:
    if not value or ":" not in value:
        return None
    area, side = value.split(":", 1)
    return {"area": area, "laterality": side}


def _number(value: str | None):
    return int(value) if value and value.isdigit() else value


def injection_body(form: FormData) -> dict:
    return {
        "session": _number(_get(form, "session")),
        "site": _site(_get(form, "site")),
        "technique": _get(form, "technique"),
        "depth_mm": _get(form, "depth_mm"),
        "needle_gauge": _number(_get(form, "needle_gauge")),
        "needle_length_mm": _get(form, "needle_length_mm"),
        "points": _number(_get(form, "points")),
        "volume_ml": _get(form, "volume_ml"),
        "formulation_version": _number(_get(form, "formulation_version")),
        "lots": form.getlist("lots"),
        "supervisor": _get(form, "supervisor"),
        "interval_override": _get(form, "interval_override"),
    }


def clinical_time(form: FormData) -> dict:
    """When it happened, if not now (the browser's datetime-local, read as UTC), and why
    it is charted late: the fields every clinical entry of the course page has."""
    at = _get(form, "occurred_at")
    return {
        "occurred_at": f"{at}:00+00:00" if at and len(at) == 16 else at,
        "late_entry_reason": _get(form, "late_entry_reason"),
    }


def adverse_event_body(form: FormData) -> dict:
    onset = _get(form, "onset")
    return {
        "site": _site(_get(form, "site")),
        "kind": _get(form, "kind"),
        "severity": _get(form, "severity"),
        "serious": form.get("serious") == "yes",
        "onset": f"{onset}:00+00:00" if onset and len(onset) == 16 else onset,
        "action_taken": _get(form, "action_taken") or "",
        "suspected_lots": form.getlist("suspected_lots"),
        "description": _get(form, "description") or "",
    }


def outcome_body(form: FormData) -> dict:
    return {
        "site": _site(_get(form, "site")),
        "scale": _get(form, "scale"),
        "score": _get(form, "score"),
        "kind": _get(form, "kind"),
        "session": _number(_get(form, "session")),
    }


def plan_amendment_body(form: FormData) -> dict:
    """The plan as amended: the indication kept, the areas still ticked (each
    `area:laterality`), the session count and interval, and why."""
    if not form.getlist("site"):
        raise Refused({"areas": "keep at least one area (to stop the course, change its status)"})
    return {
        "indication": _get(form, "indication"),
        "areas": [_site(site) for site in form.getlist("site")],
        "sessions": _number(_get(form, "sessions")),
        "interval_days": _number(_get(form, "interval_days")),
        "reason": _get(form, "reason"),
    }


def void_body(form: FormData) -> dict:
    return {"version": _number(_get(form, "version")), "reason": _get(form, "reason")}


class SignatureRevocation(RevocationIn):
    """A revocation as the course page sends it: which signature (its version), and why."""

    signature: Annotated[int, Field(ge=1, le=10**9)]


def revocation_body(form: FormData) -> dict:
    return {"signature": _number(_get(form, "signature")), "reason": _get(form, "reason")}


def status_body(form: FormData) -> dict:
    return {"action": _get(form, "action"), "reason": _get(form, "reason")}


def next_session(course, today) -> int:
    """The session to propose: the latest one if it was given today, else the one after."""
    if not course.given:
        return 1
    latest = max(course.given, key=lambda dose: dose.entry_version)
    given_on = {dated.entry_version: dated.at for dated in course.given_at}
    at = given_on.get(latest.entry_version)
    return latest.session if at is not None and at.date() == today else course.sessions_done + 1


def choices(
    course: CourseOut, caller: Caller, session: int, clinicians: list[tuple[str, str]]
) -> dict:
    regions = {site.area.split(".")[0] for site in course.areas}
    lots = sorted({i.lot for f in course.formulations for i in f.ingredients})
    return {
        "sites": [(f"{s.area}:{s.laterality}", f"{s.area} — {s.laterality}") for s in course.areas],
        "injection_sites": [
            (f"{s.area}:{side}", f"{s.area} — {side}")
            for s in course.areas
            for side in (("left", "right") if s.laterality == "bilateral" else (s.laterality,))
        ],
        "techniques": [
            (code, f"{code.replace('_', ' ')} ({depth})") for code, depth in TECHNIQUES.items()
        ],
        "scales": [
            (code, scale.name)
            for code, scale in SCALES.items()
            if code not in SCALE_REGIONS or SCALE_REGIONS[code] & regions
        ],
        "mixes": [f.version for f in course.formulations],
        "lots": lots,
        "next_session": session,
        "categories": sorted(INGREDIENT_CATEGORIES),
        "units": sorted(AMOUNT_UNITS),
        "bases": sorted(VEHICLE_BASES),
        "ingredient_rows": range(INGREDIENT_ROWS),
        "actions": [(a, a) for a in STATUS_ACTIONS],
        "entries": [(v, f"{v}: {kind}") for v, kind in course.live_entries.items()],
        "is_nurse": caller.role == "nurse",
        "clinicians": clinicians,
        "adverse_kinds": sorted(ADVERSE_EVENT_KINDS),
        "severities": SEVERITIES,
        "prescribes": caller.role == "clinician",
        "treats": caller.role in ("clinician", "nurse"),
    }
