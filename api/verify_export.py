"""Check a mesoledger patient export offline: no database, no mesoledger code needed.

    python -m api.verify_export EXPORT.json        (or: python verify_export.py EXPORT.json)

Needs only the Python standard library and `cryptography` (for Ed25519). It checks
1. the checkpoint's Ed25519 signature with the public key in the export (compare that key
   with the one the clinic published!), and the earlier checkpoint's, if one is given;
2. every event's leaf hash (RFC 6962) and its inclusion proof against the signed root;
3. the consistency proof from the earlier checkpoint to this one;
4. that the events are exactly the entries of the history shown, and that every value the
   history shows is in the event's stored bytes.
Exit status 0 when all hold; otherwise 1, naming the first part that failed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key


class ExportInvalid(Exception):
    """Names the part of the export that failed."""


# The hashes, the leaf of an event and the two proof checks below repeat domain/ledger/ on
# purpose: a regulator copies this one file and runs it without mesoledger, so it imports
# none of it. tests/integrity/test_export_verifier.py holds both to the same answers on
# random trees and tampered proofs: change one, and that test says where the other differs.

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def event_leaf(event: dict) -> bytes:
    """The leaf of a stored event: a compact JSON array of position, record id, version,
    topic and the stored state in base64 (mesoledger DESIGN §5.1)."""
    fields = [event["position"], event["originator_id"], event["version"], event["topic"],
              event["state"]]
    return leaf_hash(json.dumps(fields, separators=(",", ":")).encode())


def inclusion_holds(leaf: bytes, index: int, size: int, proof: list[bytes],
                    root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def consistency_holds(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                      proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def check_signature(checkpoint: dict, public_key_pem: str, part: str) -> None:
    message = (f"mesoledger checkpoint\n{checkpoint['size']}\n{checkpoint['root']}\n"
               f"{checkpoint['signed_at']}\n").encode()
    try:
        key = load_pem_public_key(public_key_pem.encode())
        key.verify(base64.b64decode(checkpoint["signature"], validate=True), message)
    except (InvalidSignature, ValueError, TypeError) as error:
        raise ExportInvalid(
            f"{part}: the signature does not verify ({error or 'invalid'})") from None


def check_events(export: dict) -> None:
    checkpoint = export["checkpoint"]
    root = bytes.fromhex(checkpoint["root"])
    for event in export["events"]:
        proof = [bytes.fromhex(h) for h in event["inclusion_proof"]]
        if not inclusion_holds(event_leaf(event), event["leaf_index"], checkpoint["size"],
                               proof, root):
            raise ExportInvalid(f"event at position {event['position']}: its inclusion proof"
                                " does not lead to the signed root")


def check_consistency(export: dict) -> None:
    consistency = export.get("consistency")
    if not consistency:
        return
    old, new = consistency["from"], export["checkpoint"]
    check_signature(old, export["public_key"], "earlier checkpoint")
    proof = [bytes.fromhex(h) for h in consistency["proof"]]
    if not consistency_holds(old["size"], new["size"], bytes.fromhex(old["root"]),
                             bytes.fromhex(new["root"]), proof):
        raise ExportInvalid(f"consistency proof: the tree of size {new['size']} does not"
                            f" extend the earlier checkpoint of size {old['size']}")


def check_history(export: dict) -> None:
    events = {event["position"]: event for event in export["events"]}
    shown = {entry["position"]: entry for entry in export["history"]}
    if events.keys() != shown.keys():
        odd = sorted(events.keys() ^ shown.keys())
        raise ExportInvalid(f"history: entries and events differ at positions {odd}")
    for position, entry in shown.items():
        event = events[position]
        same = (entry["record_id"] == event["originator_id"]
                and entry["version"] == event["version"]
                and event["topic"].endswith("." + entry["event_type"]))
        if not same or not _values_stored(entry, event):
            raise ExportInvalid(f"history entry at position {position}: it does not show"
                                " what the stored event says")


def _values_stored(entry: dict, event: dict) -> bool:
    """Every value the entry shows appears in the stored state (when it is readable JSON)."""
    try:
        stored = json.loads(base64.b64decode(event["state"]))
    except (ValueError, UnicodeDecodeError):
        return True  # encrypted or compressed at rest: its hash is what proves it
    values = set(_leaves(stored))
    shown = _leaves({k: v for k, v in entry["details"].items() if k != "sealed_personal_data"})
    return all(value in values for value in shown)


def _leaves(value) -> list[str]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [] if value is None else [_canonical(str(value))]


def _canonical(text: str) -> str:
    """Record ids are shown with dashes and stored as bare hex."""
    if len(text) == 36 and text.count("-") == 4:
        return text.replace("-", "")
    return text


def check(export: dict) -> str:
    """Raise ExportInvalid naming the first failure; otherwise a one-line summary."""
    try:
        check_signature(export["checkpoint"], export["public_key"], "checkpoint")
        check_events(export)
        check_consistency(export)
        check_history(export)
    except (KeyError, TypeError, ValueError) as error:
        raise ExportInvalid(f"export is malformed: {error!r}") from None
    return (f"ok: {len(export['events'])} events of patient {export['patient_id']} proven"
            f" against the checkpoint of size {export['checkpoint']['size']}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m api.verify_export EXPORT.json", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as file:
            print(check(json.load(file)))
        return 0
    except (ExportInvalid, OSError, ValueError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
