"""A Provenance per history entry: who made it (name, role), when (clinical time and the
server's recorded time), what it did (create, update or nullify) to which resources, why
(the reason an amendment or void gives), and which log entry it comes from."""

from __future__ import annotations

from api.formats.fhir.codes import DATA_OPERATION, LOG_POSITION_SYSTEM, concept, hl7, present
from api.formats.fhir.draft import Draft, entry_key

UPDATES = {"PersonalDataAmended", "PersonalDataErased", "ConsentWithdrawn", "ConditionResolved",
           "PlanAmended", "Suspended", "Resumed", "Completed", "Discontinued"}
VOIDS = {"EntryVoided"}


def activity(event_type: str) -> dict:
    code = "NULLIFY" if event_type in VOIDS else "UPDATE" if event_type in UPDATES else "CREATE"
    return {"coding": [{"system": DATA_OPERATION, "code": code}], "text": event_type}


def provenance(draft: Draft, entry: dict, targets: list[str]) -> str:
    """Who made the entry, when and why; a late entry says so, and why it was late."""
    reason = entry["details"].get("reason")
    reasons = [{"text": reason}] if reason else []
    late = entry.get("late_entry")
    if late:
        why = f": {late['reason']}" if late["reason"] else ""
        reasons.append(concept("entry-timing", "late-entry",
                               f"Late entry, recorded {late['hours_after']} h after{why}"))
    return draft.add("Provenance", {
        "target": [{"reference": url} for url in dict.fromkeys(targets)],
        **present(occurredDateTime=entry["occurred_at"]), "recorded": entry["recorded_at"],
        "activity": activity(entry["event_type"]),
        "agent": [_author(draft, entry["actor"])] if entry["actor"] else [],
        "entity": [{"role": "source", "what": _log_entry(entry)}],
        **present(reason=reasons)},
        key=f"{entry_key(entry)}/provenance")


def _author(draft: Draft, actor: dict) -> dict:
    return {"type": hl7("provenance-participant-type", "author"),
            "role": [concept("role", actor["role"])], "who": draft.staff(actor)}


def _log_entry(entry: dict) -> dict:
    """The stored event this entry is (its proof is in the JSON export at that position)."""
    return {"identifier": {"system": LOG_POSITION_SYSTEM, "value": str(entry["position"])},
            "display": f"{entry['record_type']} {entry['record_id']} version "
                       f"{entry['version']}: {entry['event_type']}"}
