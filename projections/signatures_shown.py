"""The manifestation of electronic signatures in a history (21 CFR 11.50): each signature
shown on the entry it signs — printed name, time, meaning, the leaf hash it covers — and a
revocation on the signature it revokes. The signature and revocation entries stay in the
history as entries of their own."""

from __future__ import annotations

SIGNED = "EntrySigned"
REVOKED = "EntrySignatureRevoked"


def mark_signatures(entries: list[dict]) -> None:
    """Attach each signature to the entry it signs (in place)."""
    by_record = {(e["record_id"], e["version"]): e for e in entries}
    shown: dict[tuple[str, int], dict] = {}
    for entry in entries:
        record, details = entry["record_id"], entry["details"]
        if entry["event_type"] == SIGNED:
            signature = {"position": entry["position"], "version": entry["version"],
                         "meaning": details["meaning"], "signer": entry["actor"],
                         "at": entry["occurred_at"], "leaf_hash": details["leaf_hash"],
                         "revoked": None}
            shown[(record, entry["version"])] = signature
            signed = by_record.get((record, details["entry_version"]))
            if signed is not None:
                signed["signatures"].append(signature)
        elif entry["event_type"] == REVOKED:
            signature = shown.get((record, details["signature_version"]))
            if signature is not None:
                signature["revoked"] = {"position": entry["position"],
                                        "version": entry["version"],
                                        "reason": details["reason"], "actor": entry["actor"],
                                        "at": entry["occurred_at"]}
