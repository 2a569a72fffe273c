"""Check a mesoledger export offline: no database, no mesoledger code, one file to copy.

    python -m api.verify_export EXPORT [--log-key FILE] [--witness-key FILE ...]
        [--witnesses-needed N] [--trusted-checkpoint FILE] [--trust-on-first-use]

EXPORT is a patient's export (JSON) or a whole clinic's (NDJSON, read one line at a time).
Needs only the Python standard library and `cryptography`. It checks that the checkpoint is
signed by the pinned log key (a C2SP signed note) and cosigned by the pinned witnesses; that
it extends your own earlier checkpoint (`--trusted-checkpoint`, as the clinic handed it to
you before); that every event is in the signed tree; and that the events are every entry
the patient had up to that checkpoint (the patients' root the checkpoint carries). Then it
prints the history as the proven event bytes say it: author, role, clinical and recorded
time, values, voids, amendments, late entries, signatures; the history the export also
shows in clear must say the same, or the check fails. Key files hold a verifier key
(`name+id+key`, as the clinic and the witnesses publish it). Exit 0 ok; 1 a check failed
(named); 2 the file is not an export; 3 no log key pinned (its fingerprint is printed; pin
it, or pass --trust-on-first-use).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import struct
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Failed(Exception):
    """A check failed: names what."""


class Malformed(Exception):
    """Not an export this verifier reads."""


# The hashes, the leaf of an event and the proof checks below repeat domain/ledger/ on
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
    return leaf_hash(_COMPACT.encode(fields).encode())


_COMPACT = json.JSONEncoder(separators=(",", ":"))


def _walk(fn: int, sn: int, first: bytes, path: list[bytes], both: bool):
    fr = sr = first
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr, sr = (node_hash(p, fr) if both else fr), node_hash(p, sr)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, p)
        fn, sn = fn >> 1, sn >> 1
    return (fr, sr) if sn == 0 else None


def inclusion_holds(leaf: bytes, index: int, size: int, proof: list[bytes],
                    root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    walked = 0 <= index < size and _walk(index, size - 1, leaf, proof, False)
    return bool(walked) and walked[1] == root


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
    return _walk(fn, sn, path[0], path[1:], True) == (old_root, new_root)


# Signed notes (c2sp.org/signed-note, tlog-cosignature), as domain/ledger/signed_note.py.

class Key:
    def __init__(self, vkey: str) -> None:
        name, key_id, material = vkey.strip().split("+", 2)
        raw = base64.b64decode(material, validate=True)
        self.name, self.kind, self.vkey = name, raw[0], vkey.strip()
        self.public = Ed25519PublicKey.from_public_bytes(raw[1:])
        self.key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
        if self.key_id.hex() != key_id or self.kind not in (1, 4):
            raise ValueError(f"not an Ed25519 verifier key: {vkey.strip()}")

    def signed(self, note: str) -> int | None:
        """When this key signed the note (0 for the log's plain signature); None if it
        did not; Failed if a signature under its name and id does not verify."""
        text, _, lines = note.rpartition("\n\n")
        text += "\n"
        for line in lines.splitlines():
            name, _, blob = line.removeprefix("\u2014 ").partition(" ")
            raw = base64.b64decode(blob, validate=True)
            if name != self.name or raw[:4] != self.key_id:
                continue
            when, message, signature = 0, text.encode(), raw[4:]
            if self.kind == 4:
                (when,), signature = struct.unpack(">Q", raw[4:12]), raw[12:]
                message = f"cosignature/v1\ntime {when}\n{text}".encode()
            try:
                self.public.verify(signature, message)
            except InvalidSignature:
                raise Failed(f"the signature of {self.name} on the checkpoint does not"
                             " verify") from None
            return when
        return None


def checkpoint_of(note: str) -> tuple[str, int, bytes, dict[str, str]]:
    """Origin, size, root and extension lines (by their first word) of a checkpoint."""
    origin, size, root, *extensions = note.rpartition("\n\n")[0].split("\n")
    if not size.isdigit():
        raise ValueError(f"checkpoint size {size!r}")
    return origin, int(size), base64.b64decode(root, validate=True), dict(
        line.split(" ", 1) for line in extensions)


# Proving an export.

def check_checkpoint(header: dict, pins: argparse.Namespace) -> tuple[int, bytes, bytes]:
    """The checkpoint's size, root and patients' root, once it is signed, cosigned and
    consistent with the regulator's own earlier copy."""
    note = header["checkpoint"]
    _, size, root, extensions = checkpoint_of(note)
    if pins.log_key.signed(note) is None:
        raise Failed("checkpoint: not signed by the pinned log key")
    cosigned = [w.name for w in pins.witness_keys if w.signed(note) is not None]
    if len(cosigned) < pins.witnesses_needed:
        raise Failed(f"checkpoint: cosigned by {len(cosigned)} of the pinned witnesses,"
                     f" {pins.witnesses_needed} needed")
    if pins.trusted is not None:
        check_extends(pins, header.get("consistency"), size, root)
    return size, root, base64.b64decode(extensions["mesoledger-patients"], validate=True)


def check_extends(pins, consistency: dict | None, size: int, root: bytes) -> None:
    _, old_size, old_root, _ = checkpoint_of(pins.trusted)
    if pins.log_key.signed(pins.trusted) is None:
        raise Failed("trusted checkpoint: not signed by the pinned log key")
    if consistency is None and old_size != size:
        raise Failed(f"consistency: the export proves nothing about your trusted checkpoint"
                     f" of size {old_size} (ask for ?since_checkpoint={old_size})")
    proof = [] if old_size == size else [base64.b64decode(h, validate=True)
                                         for h in consistency["proof"]]
    if not consistency_holds(old_size, size, old_root, root, proof) or (
            consistency and consistency["old_size"] != old_size):
        raise Failed(f"consistency: the checkpoint of size {size} does not extend your"
                     f" trusted checkpoint of size {old_size}")


def check_patient(document: dict, size: int, root: bytes, patients_root: bytes) -> list:
    """Every event in the tree, and all of the patient's: their proven events in order."""
    patient, events = uuid.UUID(document["patient_id"]), document["events"]
    digest, last = bytes(32), -1
    decoded = _Decoded()  # the patient's proofs share most of their upper siblings
    for event in sorted(events, key=lambda e: e["leaf_index"]):
        leaf, index = event_leaf(event), event["leaf_index"]
        proof = [decoded[h] for h in event["inclusion_proof"]]
        if index <= last or not inclusion_holds(leaf, index, size, proof, root):
            raise Failed(f"event at position {event['position']}: not in the signed tree")
        digest, last = hashlib.sha256(digest + leaf).digest(), index
    proof = document["completeness"]
    chain = leaf_hash(b"patient\x00" + patient.bytes + len(events).to_bytes(8, "big") + digest)
    path = [base64.b64decode(h, validate=True) for h in proof["path"]]
    if not inclusion_holds(chain, proof["index"], proof["patients"], path, patients_root):
        raise Failed(f"patient {patient}: the export is not every entry the checkpoint"
                     f" holds of them ({len(events)} shown)")
    return sorted(events, key=lambda e: e["leaf_index"])


class _Decoded(dict):
    """Base64 text to its bytes, each distinct text decoded (and validated) once."""

    def __missing__(self, text: str) -> bytes:
        raw = self[text] = base64.b64decode(text, validate=True)
        return raw


def _unwrapped(value: dict):
    """A transcoded value's data (as JSON parses it, innermost first), else the object."""
    if len(value) == 2 and "_type_" in value and "_data_" in value:
        return value["_data_"]
    return value


_STATE = json.JSONDecoder(object_hook=_unwrapped)  # json.loads(raw, object_hook=…), made once


def states_of(events: list[dict]) -> list[dict]:
    """Each event's stored state as JSON, transcodings unwrapped (empty when encrypted at
    rest: its hash is proven, its content cannot be shown)."""
    states = []
    for event in events:
        try:
            raw = base64.b64decode(event["state"])
            states.append(_STATE.decode(raw.decode(json.detect_encoding(raw), "surrogatepass")))
        except (ValueError, UnicodeDecodeError):
            states.append({})
    return states


def check_shown(document: dict, events: list[dict], states: list[dict]) -> None:
    """The history the export shows in clear says what the proven events say, or fails."""
    shown = {entry["position"]: entry for entry in document.get("history", [])}
    if shown and shown.keys() != {event["position"] for event in events}:
        raise Failed("history: it shows other entries than the proven events")
    voids = {(e["originator_id"], s.get("entry_version"))
             for e, s in zip(events, states, strict=True) if e["topic"].endswith(".EntryVoided")}
    amendments = {(e["originator_id"], s["supersedes"]): e["version"]
                  for e, s in zip(events, states, strict=True) if s.get("supersedes")}
    for event, state in zip(events, states, strict=True):
        entry = shown.get(event["position"])
        if entry is None or not state:
            continue
        where = f"history entry at position {event['position']}"
        if entry["actor"] != state.get("actor"):
            raise Failed(f"{where}: its author is not the proven one")
        if not _same_time(entry["occurred_at"], state.get("occurred_at")):
            raise Failed(f"{where}: its clinical time is not the proven one")
        if not _same_time(entry["recorded_at"], state.get("timestamp")):
            raise Failed(f"{where}: its recorded time is not the proven one")
        if (entry["voided_by"] is not None) != ((event["originator_id"], event["version"])
                                                in voids):
            raise Failed(f"{where}: its void mark is not what the proven events say")
        amended_by = (entry.get("amended_by") or {}).get("version")
        if amended_by != amendments.get((event["originator_id"], event["version"])):
            raise Failed(f"{where}: its amended-by mark is not what the proven events say")


def signatures_of(events: list[dict], states: list[dict]) -> dict[tuple, list[dict]]:
    """Each electronic signature, under the entry it names, once its binding holds: the leaf
    hash it covers is the leaf of that entry as exported (Failed otherwise: a signature cut
    from one entry and pasted onto another, or naming an entry the export lacks)."""
    leaves = {(e["originator_id"], e["version"]): event_leaf(e) for e in events}
    signed, by_version = {}, {}
    for event, state in zip(events, states, strict=True):
        if not state or not event["topic"].endswith(".EntrySigned"):
            continue
        names = (event["originator_id"], state.get("entry_version"))
        leaf = leaves.get(names)
        if leaf is None or leaf.hex() != state.get("leaf_hash"):
            raise Failed(f"signature at position {event['position']}: not bound to the entry"
                         f" it names (version {names[1]} of {names[0]})")
        signature = {"position": event["position"], "meaning": state.get("meaning"),
                     "actor": state.get("actor"), "at": state.get("occurred_at"),
                     "revoked": None}
        signed.setdefault(names, []).append(signature)
        by_version[(event["originator_id"], event["version"])] = signature
    for event, state in zip(events, states, strict=True):
        if state and event["topic"].endswith(".EntrySignatureRevoked"):
            revoked = by_version.get((event["originator_id"], state.get("signature_version")))
            if revoked is not None:
                revoked["revoked"] = state
    return signed


def check_signatures_shown(document: dict, events: list[dict], signed: dict) -> None:
    """The signatures the clear history shows on each entry are the proven ones."""
    for entry in document.get("history", []):
        proven_here = signed.get((entry["record_id"], entry["version"]), [])
        shown = [s["position"] for s in entry.get("signatures", [])]
        if shown != [s["position"] for s in proven_here]:
            raise Failed(f"history entry at position {entry['position']}: its signatures are"
                         " not the proven ones")


def _same_time(shown: str | None, proven: str | None) -> bool:
    if shown is None or proven is None:
        return shown == proven
    return datetime.fromisoformat(shown) == datetime.fromisoformat(proven)


_SORTED = json.JSONEncoder(sort_keys=True)


def history(events: list[dict], states: list[dict], signed: dict | None = None) -> list[str]:
    """The entries as their proven bytes say them (`states`: theirs, from `states_of`), each
    with its signatures."""
    voided, amendments, signed = {}, {}, signed or {}
    for event, state in zip(events, states, strict=True):
        if event["topic"].endswith(".EntryVoided"):
            voided[(event["originator_id"], state.get("entry_version"))] = state
        if state.get("supersedes"):
            amendments[(event["originator_id"], state["supersedes"])] = event["version"]
    lines = []
    for event, state in zip(events, states, strict=True):
        actor = state.get("actor") or {}
        kind = event["topic"].removeprefix("mesoledger.")
        values = {k: v for k, v in state.items() if k not in ("actor", "timestamp",
                                                              "occurred_at")}
        void = voided.get((event["originator_id"], event["version"]))
        amended_by = amendments.get((event["originator_id"], event["version"]))
        marks = [f"VOIDED by {void['actor']['name']}: {void['reason']}" if void else "",
                 f"AMENDED by version {amended_by}" if amended_by else "",
                 "LATE ENTRY" if state.get("late_entry_reason") else "",
                 *(_signed_mark(s) for s in signed.get((event["originator_id"],
                                                        event["version"]), []))]
        lines.append(f"{event['position']:>8} {kind} by {actor.get('name')} ({actor.get('id')},"
                     f" {actor.get('role')}) clinical {state.get('occurred_at')} recorded"
                     f" {state.get('timestamp')} {' '.join(m for m in marks if m)}\n"
                     f"{'':>9}{_SORTED.encode(values)}")
    return lines


def _signed_mark(signature: dict) -> str:
    actor, revoked = signature["actor"] or {}, signature["revoked"]
    return (f"SIGNED ({signature['meaning']}) by {actor.get('name')} ({actor.get('id')}) at"
            f" {signature['at']}" + (f" REVOKED: {revoked.get('reason')}" if revoked else ""))


def proven(header: dict, documents, pins: argparse.Namespace) -> Iterator[str]:
    """The checkpoint, then each patient's history as proven, then a summary line: each
    yielded once its checks hold (Failed at the first that does not)."""
    size, root, patients_root = check_checkpoint(header, pins)
    witnesses = [w.name for w in pins.witness_keys if w.signed(header["checkpoint"]) is not None]
    yield (f"checkpoint {header['checkpoint'].split(chr(10))[0]} size {size} root"
           f" {base64.b64encode(root).decode()}, cosigned by {', '.join(witnesses) or 'none'}")
    patients = entries = 0
    for document in documents:
        events = check_patient(document, size, root, patients_root)
        states = states_of(events)
        check_shown(document, events, states)
        signed = signatures_of(events, states)
        check_signatures_shown(document, events, signed)
        yield from history(events, states, signed)
        patients, entries = patients + 1, entries + len(events)
    yield (f"ok: {entries} entries of {patients} patient(s), each proven complete at the"
           f" checkpoint of size {size}")


def check(export: dict, log_key: str, *, witness_keys: tuple[str, ...] = (),
          witnesses_needed: int | None = None, trusted: str | None = None) -> str:
    """Check a patient's export (as parsed JSON) against pinned keys: its summary line, or
    Failed naming what does not hold."""
    pins = argparse.Namespace(
        log_key=Key(log_key), witness_keys=[Key(k) for k in witness_keys], trusted=trusted,
        witnesses_needed=len(witness_keys) if witnesses_needed is None else witnesses_needed)
    return list(proven(export, [export], pins))[-1]


def read(path: str, pins: argparse.Namespace) -> Iterator[str]:
    """A patient's export or a clinic's (read a line at a time), proven line by line."""
    with open(path, encoding="utf-8") as file:
        first = file.readline()
        try:
            header = json.loads(first)  # a clinic's first line, or a one-line export
        except ValueError:
            header = json.loads(first + file.read())
        fmt = header.get("format") if isinstance(header, dict) else None
        if fmt not in ("mesoledger-export/2", "mesoledger-clinic-export/2"):
            raise Malformed(f"format {fmt!r} is not one this verifier reads")
        if pins.log_key is None:
            pins.log_key = _first_use(header["log_key"], pins)
        documents = (json.loads(line) for line in file) if "clinic" in fmt else [header]
        yield from proven(header, documents, pins)


def _first_use(vkey: str, pins) -> Key:
    key = Key(vkey)
    print(f"the export names the log key {key.vkey}", file=sys.stderr)
    if not pins.trust_on_first_use:
        raise SystemExit(3)
    return key


def _key_file(path: str) -> Key:
    with open(path, encoding="utf-8") as file:
        return Key(file.read())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="verify_export", description=__doc__.split("\n")[0])
    parser.add_argument("export")
    parser.add_argument("--log-key", type=_key_file)
    parser.add_argument("--witness-key", type=_key_file, action="append", default=[],
                        dest="witness_keys")
    parser.add_argument("--witnesses-needed", type=int)
    parser.add_argument("--trusted-checkpoint", dest="trusted",
                        type=lambda p: open(p, encoding="utf-8").read())
    parser.add_argument("--trust-on-first-use", action="store_true")
    try:
        pins = parser.parse_args(argv)
        if pins.witnesses_needed is None:
            pins.witnesses_needed = len(pins.witness_keys)
        for line in read(pins.export, pins):
            print(line)
        return 0
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except (Malformed, OSError, KeyError, TypeError, ValueError, IndexError, AttributeError,
            binascii.Error, struct.error) as error:
        print(f"not a mesoledger export: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
