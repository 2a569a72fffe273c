"""A treatment course as a CarePlan: the indication, each planned area with its sessions
and interval, and the course's status as its status entries left it. A plan amendment
replaces the planned areas (the entry's Provenance says when, who and why)."""

from __future__ import annotations

from api.formats.fhir.codes import SITE_EXTENSION, concept, present, site
from api.formats.fhir.draft import Draft
from domain.vocabulary import EFFICACY_NOT_ESTABLISHED, INDICATIONS

# status entry → (CarePlan.status, CarePlan.activity.detail.status)
COURSE_STATUS = {"Planned": ("active", "in-progress"), "Resumed": ("active", "in-progress"),
                 "Suspended": ("on-hold", "on-hold"), "Completed": ("completed", "completed"),
                 "Discontinued": ("revoked", "stopped")}
CLOSING = {"Completed", "Discontinued"}


def planned(draft: Draft, entry: dict) -> list[str]:
    details, plan = entry["details"], entry["details"]["plan"]
    indication = INDICATIONS.get(plan["indication"])
    name = indication.name if indication else plan["indication"]
    note = details.get("efficacy_note")
    return [draft.add("CarePlan", {
        "status": "active", "intent": "plan", "title": f"Mesotherapy course: {name}",
        "description": _description(name, indication is not None and
                                    not indication.efficacy_established),
        "category": [concept("indication", plan["indication"])], "subject": draft.patient,
        "period": {"start": entry["occurred_at"]}, "created": entry["occurred_at"],
        "author": draft.staff(entry["actor"]), "activity": _activities(plan, "in-progress"),
        **present(note=note and [{"text": note}])}, url=draft.record_of(entry))]


def _description(indication: str, unproven: bool) -> str:
    return f"Mesotherapy for {indication.lower()}." + (
        f" {EFFICACY_NOT_ESTABLISHED}" if unproven else "")


def _activities(plan: dict, status: str) -> list[dict]:
    timing = {"repeat": {"count": plan["sessions"], "period": plan["interval_days"],
                         "periodUnit": "d"}}
    return [{"detail": {
        "extension": [{"url": SITE_EXTENSION, "valueCodeableConcept": site(planned_site)}],
        "status": status, "code": {"text": "Mesotherapy"},
        "reasonCode": [concept("indication", plan["indication"])],
        "scheduledTiming": timing,
        "description": f"{site(planned_site)['text']}: {plan['sessions']} sessions, "
                       f"every {plan['interval_days']} days"}}
        for planned_site in plan["sites"]]


def plan_amended(draft: Draft, entry: dict) -> list[str]:
    url = draft.record_of(entry)
    care_plan = draft.resources[url]
    status = care_plan["activity"][0]["detail"]["status"]
    care_plan["activity"] = _activities(entry["details"]["plan"], status)
    return [url]


def status_changed(draft: Draft, entry: dict) -> list[str]:
    url = draft.record_of(entry)
    care_plan = draft.resources[url]
    care_plan["status"], activity_status = COURSE_STATUS[entry["event_type"]]
    for activity in care_plan["activity"]:
        activity["detail"]["status"] = activity_status
    if entry["event_type"] in CLOSING:
        care_plan["period"]["end"] = entry["occurred_at"]
    return [url]


def entry_voided(draft: Draft, entry: dict) -> list[str]:
    """The void targets what it struck (already entered in error: the history marks it)."""
    struck = draft.made_by(entry["record_id"], entry["details"]["entry_version"])
    return [struck or draft.record_of(entry)]
