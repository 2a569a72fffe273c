"""A regulator's copy of a patient's history, provable without the database (DESIGN §5.2),
and a whole clinic's, one patient a line, under one checkpoint.

Each carries the patient's events exactly as stored, each with its inclusion proof against a
checkpoint held outside the database (a C2SP signed note with the witnesses' cosignatures),
the proof that the events are all of the patient's up to that checkpoint, and the log's and
witnesses' verifier keys; optionally a consistency proof from an earlier checkpoint the
regulator holds. `api/verify_export.py` checks all of it offline. The history rendered from
the same events rides along for the human-readable copies; the verifier ignores it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID

from infra.integrity import Integrity, SignedTree
from infra.proof_paths import ProofPaths, b64
from projections.audit_trail import AuditTrail
from projections.history import CLINICAL_RECORDS, patient_history, plain
from projections.merkle_log import MerkleLog
from projections.patient_chains import PatientChains

FORMAT = "mesoledger-export/2"
CLINIC_FORMAT = "mesoledger-clinic-export/2"


class UnknownCheckpointError(LookupError):
    """No checkpoint of that size is held to prove consistency from."""


def export_patient(integrity: Integrity, patient_id: UUID,
                   since_checkpoint: int | None = None, as_of: datetime | None = None) -> dict:
    """The export document (JSON-ready) of one patient, proven against a fresh checkpoint;
    with `as_of`, its history shows the record as it stood then (for the readable copies:
    the proven events are always every entry up to the checkpoint)."""
    signed = integrity.sign()
    consistency = None
    if since_checkpoint is not None:
        consistency = _consistency(integrity, since_checkpoint, signed.size)
    return {"format": FORMAT, "exported_at": datetime.now(UTC).isoformat(),
            **_proven_against(integrity, signed), "consistency": consistency,
            **_patient(integrity, signed, ProofPaths(signed.size), patient_id, as_of=as_of)}


def export_clinic(integrity: Integrity, clinic: str) -> Iterator[str]:
    """NDJSON: a first line naming the checkpoint and keys, then one line per patient of the
    clinic, each proven complete against that one checkpoint."""
    signed = integrity.sign()
    with integrity.runner.views.transaction(write=False) as tx:
        patients = PatientChains.patients_of(tx, clinic)
    yield json.dumps({"format": CLINIC_FORMAT, "clinic": clinic,
                      "exported_at": datetime.now(UTC).isoformat(),
                      **_proven_against(integrity, signed)}) + "\n"
    paths = ProofPaths(signed.size)  # one tree for every patient
    for patient_id in patients:
        if patient_id in signed.patients.index:  # registered after the checkpoint: next time
            yield json.dumps(_patient(integrity, signed, paths, patient_id, history=False)) + "\n"


def _proven_against(integrity: Integrity, signed: SignedTree) -> dict:
    held = signed.held
    return {"checkpoint": held.note, "log_key": integrity.verifier.vkey,
            "witnesses": [w.verifier.vkey for w in integrity.witnesses
                          if held.signed_by(w.verifier) is not None]}


def _patient(integrity: Integrity, signed: SignedTree, paths: ProofPaths, patient_id: UUID,
             history: bool = True, as_of: datetime | None = None) -> dict:
    """The patient's events up to the checkpoint, each with its inclusion proof, and the
    proof that they are all of the patient's."""
    records, log = integrity.runner.records, integrity.log
    with integrity.runner.views.transaction(write=False) as tx:
        covered = log.last_position(tx, signed.size)
        entries = (patient_history(tx, records, str(patient_id), up_to=covered) if history
                   else _logged(tx, str(patient_id), covered))
        events = _proven(tx, log, paths, entries, _stored_events(records, entries))
        if as_of is not None:
            entries = patient_history(tx, records, str(patient_id), covered, as_of)
    proof = signed.patients.proof(patient_id)
    document = {"patient_id": str(patient_id), "events": events,
                "completeness": {"index": proof.index, "patients": proof.patients,
                                 "path": [b64(h) for h in proof.path]}}
    if history:
        document["history"] = [plain(entry) for entry in entries]
    return document


def _logged(tx, patient_id: str, up_to: int) -> list[dict]:
    """The patient's entries up to a log position as the audit trail lists them (record,
    version, position), the same as their history's, without decoding a single event: all
    that a clinic's export, which shows no history, needs to prove them."""
    return [row._asdict() for row in AuditTrail.entries_of_patient(tx, patient_id, up_to)
            if row.record_type in CLINICAL_RECORDS]


def _stored_events(records, history: list[dict]) -> dict[tuple[str, int], object]:
    """The stored form of every entry: one read per record."""
    stored = {}
    for record_id in dict.fromkeys(entry["record_id"] for entry in history):
        for event in records.recorder.select_events(UUID(record_id)):
            stored[(record_id, event.originator_version)] = event
    return stored


def _proven(tx, log: MerkleLog, paths: ProofPaths, history: list[dict],
            stored: dict) -> list[dict]:
    """Each entry's stored event with its inclusion proof (in base64): one read of the leaf
    indices, one of the subtree hashes the proofs need that `paths` does not keep."""
    indices = log.leaf_indices(tx, [entry["position"] for entry in history])
    leaves = [indices[entry["position"]] for entry in history]
    proofs = paths.encoded(tx, leaves)
    return [_event(stored[(entry["record_id"], entry["version"])], entry["position"], index,
                   proof) for entry, index, proof in zip(history, leaves, proofs, strict=True)]


def _event(stored, position: int, index: int, proof: list[str]) -> dict:
    return {"position": position, "leaf_index": index,
            "originator_id": str(stored.originator_id), "version": stored.originator_version,
            "topic": stored.topic, "state": b64(stored.state), "inclusion_proof": proof}


def _consistency(integrity: Integrity, old_size: int, new_size: int) -> dict:
    old = integrity.held_at(old_size)
    if old is None or old_size > new_size:
        raise UnknownCheckpointError(f"no checkpoint of size {old_size} is held")
    with integrity.runner.views.transaction(write=False) as tx:
        proof = integrity.log.consistency_proof(tx, old_size, new_size)
    return {"old_size": old_size, "proof": [b64(h) for h in proof]}
