"""A Provenance per history entry: who made it (name, role), when (clinical time and the
server's recorded time), what it did (create, update or nullify) to which resources, why
(the reason an amendment or void gives), and which log entry it comes from."""

from __future__ import annotations

from api.formats.fhir.codes import DATA_OPERATION, LOG_POSITION_SYSTEM, concept, hl7, present
from api.formats.fhir.draft import Draft, entry_key

UPDATES = {"PersonalDataAmended", "PersonalDataErased", "ConsentWithdrawn", "ConditionResolved",
           "PlanAmended", "Suspended", "Resumed", "Completed", "Discontinued"}
VOIDS = {"EntryVoided"}
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
SIGNATURE_TYPES = {  # meaning → ASTM E1762 signature type (FHIR's signature-type value set)
    "authorship": ("1.2.840.10065.1.12.1.1", "Author's Signature"),
    "review": ("1.2.840.10065.1.12.1.13", "Review Signature"),
    "approval": ("1.2.840.10065.1.12.1.6", "Validation Signature"),
    "cosignature": ("1.2.840.10065.1.12.1.5", "Verification Signature"),
}


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
        **present(reason=reasons, signature=_signatures(draft, entry))},
        key=f"{entry_key(entry)}/provenance")


def _signatures(draft: Draft, entry: dict) -> list[dict]:
    """The entry's standing electronic signatures: type by meaning, when, who (a revoked
    one is left out here; the history and the readable copy show it struck through)."""
    return [{"type": [{"system": SIGNATURE_TYPE, "code": code, "display": display}],
             "when": signature["at"], "who": draft.staff(signature["signer"])}
            for signature in entry.get("signatures", []) if not signature.get("revoked")
            for code, display in [SIGNATURE_TYPES[signature["meaning"]]]]


def _author(draft: Draft, actor: dict) -> dict:
    return {"type": hl7("provenance-participant-type", "author"),
            "role": [concept("role", actor["role"])], "who": draft.staff(actor)}


def _log_entry(entry: dict) -> dict:
    """The stored event this entry is (its proof is in the JSON export at that position)."""
    return {"identifier": {"system": LOG_POSITION_SYSTEM, "value": str(entry["position"])},
            "display": f"{entry['record_type']} {entry['record_id']} version "
                       f"{entry['version']}: {entry['event_type']}"}
