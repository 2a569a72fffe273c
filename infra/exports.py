"""A regulator's copy of one patient's history, provable without the database (DESIGN §5.2).

The patient's events exactly as stored, each with its inclusion proof against a signed
checkpoint; the checkpoint and the public key; optionally a consistency proof from an
earlier checkpoint the regulator already holds; and the history rendered from the same
events. Everything comes from one snapshot of the log: the events up to the checkpoint.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from uuid import UUID

from infra.integrity import Integrity, public_key_pem
from projections.history import patient_history, plain
from projections.merkle_log import MerkleLog

FORMAT = "mesoledger-export/1"


class UnknownCheckpointError(LookupError):
    """No signed checkpoint of that size to prove consistency from."""


def export_patient(integrity: Integrity, patient_id: UUID,
                   since_checkpoint: int | None = None) -> dict:
    """The export document (JSON-ready) of one patient, proven against a fresh checkpoint."""
    checkpoint = integrity.sign()
    records, log = integrity.runner.records, MerkleLog()
    with integrity.runner.views.transaction(write=False) as tx:
        covered = log.last_position(tx, checkpoint.size)
        history = patient_history(tx, records, str(patient_id), up_to=covered)
        events = _proven(tx, log, history, _stored_events(records, history), checkpoint.size)
        consistency = since_checkpoint is not None and _consistency(
            tx, log, since_checkpoint, checkpoint.size)
    return {"format": FORMAT, "patient_id": str(patient_id),
            "exported_at": datetime.now(UTC).isoformat(),
            "checkpoint": vars(checkpoint), "public_key": public_key_pem(integrity.key),
            "consistency": consistency or None, "events": events,
            "history": [plain(entry) for entry in history]}


def _stored_events(records, history: list[dict]) -> dict[tuple[str, int], object]:
    """The stored form of every entry: one read per record."""
    stored = {}
    for record_id in dict.fromkeys(entry["record_id"] for entry in history):
        for event in records.recorder.select_events(UUID(record_id)):
            stored[(record_id, event.originator_version)] = event
    return stored


def _proven(tx, log: MerkleLog, history: list[dict], stored: dict, size: int) -> list[dict]:
    """Each entry's stored event with its inclusion proof: one read of the leaf indices,
    one of the subtree hashes all the proofs need."""
    indices = log.leaf_indices(tx, [entry["position"] for entry in history])
    leaves = [indices[entry["position"]] for entry in history]
    proofs = log.inclusion_proofs(tx, leaves, size)
    return [_event(stored[(entry["record_id"], entry["version"])], entry["position"], index,
                   proof) for entry, index, proof in zip(history, leaves, proofs, strict=True)]


def _event(stored, position: int, index: int, proof: list[bytes]) -> dict:
    return {"position": position, "leaf_index": index,
            "originator_id": str(stored.originator_id), "version": stored.originator_version,
            "topic": stored.topic, "state": base64.b64encode(stored.state).decode(),
            "inclusion_proof": [h.hex() for h in proof]}


def _consistency(tx, log: MerkleLog, old_size: int, new_size: int) -> dict:
    old = Integrity.signed_at_size(tx, old_size)
    if old is None or old_size > new_size:
        raise UnknownCheckpointError(f"no signed checkpoint of size {old_size}")
    return {"from": vars(old),
            "proof": [h.hex() for h in log.consistency_proof(tx, old_size, new_size)]}
