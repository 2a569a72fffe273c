"""verify: hold the stored events to every checkpoint kept outside the database.

Trusts no view and no table but the stored events: it reads them once, in log order,
recomputes every leaf, the tree's root and every patient's chain, and at each checkpoint in
the checkpoint file compares both roots with what the log signed and the witnesses
cosigned. So a changed value, a deleted, inserted or reordered row, or a cut-off tail fails
even when whoever did it also rebuilt every view and emptied every other table. The
merkle_log view is consulted only to name the first bad position when it still can.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.ledger import Frontier, leaf_hash
from domain.ledger.completeness import EXTENSION, PatientChain, PatientTree
from domain.ledger.entries import event_leaf_data
from domain.ledger.signed_note import NoteError
from infra.checkpoint_file import HeldCheckpoint
from infra.integrity import Integrity
from infra.log_rows import log_batches
from projections.merkle_log import MerkleLog

BATCH = 5000
NO_ENTRIES = PatientChain()
PATIENT_TOPIC, COURSE_TOPIC, PLANNED = ("mesoledger.Patient.", "mesoledger.TreatmentCourse.",
                                        "mesoledger.TreatmentCourse.Planned")
PATIENTS, COURSES, NO_ONES = "patient's", "course's", "no one's"  # _kind's answers


@dataclass(frozen=True)
class Verdict:
    ok: bool
    events_checked: int
    first_bad_position: int | None = None
    problem: str = ""
    checkpoints_checked: int = 0


class Tampered(Exception):
    def __init__(self, problem: str, position: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.position = problem, position


def _unwatched(checked: int) -> None:
    pass


def verify(integrity: Integrity, witnesses_needed: int = 0,
           progress: Callable[[int], None] = _unwatched) -> Verdict:
    """Check the stored events against every checkpoint held outside the database (its
    log signature, its witnesses' cosignatures, its root and its patients' root).
    `progress` is told how many events are checked after each read of BATCH events."""
    walk = _Walk(integrity, progress)
    try:
        held = _signed(integrity, witnesses_needed)
        walk.through(held)
    except Tampered as found:
        return Verdict(False, walk.frontier.size, found.position, found.problem,
                       walk.checkpoints_checked)
    return Verdict(True, walk.frontier.size, checkpoints_checked=walk.checkpoints_checked)


def _signed(integrity: Integrity, witnesses_needed: int) -> list[HeldCheckpoint]:
    """Every held checkpoint, each signed by the log's key, each cosignature sound, and the
    newest cosigned by as many witnesses as needed."""
    try:
        held = integrity.checkpoints.held()
    except NoteError as error:
        raise Tampered(f"the checkpoint file is damaged: {error}") from None
    keys = [integrity.verifier, *(w.verifier for w in integrity.witnesses)]
    signers: dict[str, int] = {}
    for checkpoint in held:
        size = checkpoint.checkpoint.size
        try:
            signers = checkpoint.signatures_by(keys)
        except NoteError as error:
            raise Tampered(f"the checkpoint of size {size}: {error}") from None
        if integrity.verifier.vkey not in signers:
            raise Tampered(f"the checkpoint of size {size} is not signed by the log's key")
        if checkpoint.checkpoint.extension(EXTENSION) is None:
            raise Tampered(f"the checkpoint of size {size} carries no patients' root")
    cosigned = set(signers) - {integrity.verifier.vkey}  # of the newest
    if len(cosigned) < witnesses_needed:
        raise Tampered(f"the newest checkpoint has {len(cosigned)} of the {witnesses_needed}"
                       " witness cosignatures needed")
    return held


class _Walk:
    """One pass over the stored events, holding each checkpoint to what it recomputes."""

    def __init__(self, integrity: Integrity, progress: Callable[[int], None]) -> None:
        self.integrity, self.progress = integrity, progress
        self.frontier = Frontier()
        # patients and records by their ids as text: as the log's rows give them, and hashed
        # and compared far faster than UUIDs, once per event
        self.chains: dict[str, PatientChain] = {}
        self.leaves: dict[UUID, bytes] = {}  # each patient's chain leaf at the last checkpoint
        self.moved: set[str] = set()  # patients whose chain moved since
        self.owners: dict[str, str] = {}  # course → patient
        self.since_checked: list[tuple[int, bytes]] = []  # (position, leaf) since the last
        self.checkpoints_checked = 0

    def through(self, held: list[HeldCheckpoint]) -> None:
        due = {h.checkpoint.size: h for h in held}
        if 0 in due:
            self._hold_to(due[0])
        frontier, since_checked, chains, moved, owners, kinds = (
            self.frontier, self.since_checked, self.chains, self.moved, self.owners, {})
        for rows in log_batches(self.integrity.runner.records.recorder, BATCH):
            for position, record, version, topic, state in rows:
                leaf = leaf_hash(event_leaf_data(position, record, version, topic, state))
                frontier.append(leaf)
                since_checked.append((position, leaf))
                kind = kinds.get(topic) or kinds.setdefault(topic, _kind(topic))
                if kind is not NO_ONES:
                    patient = (record if kind is PATIENTS else owners.get(record)
                               if kind is COURSES else self._planned(position, record, version,
                                                                     topic, state))
                    if patient is not None:
                        chains[patient] = chains.get(patient, NO_ENTRIES).then(leaf)
                        moved.add(patient)
                if frontier.size in due:
                    self._hold_to(due[frontier.size])
            self.progress(frontier.size)
        newest = held[-1].checkpoint.size if held else 0
        if newest > self.frontier.size:
            raise Tampered(*self._named_difference(newest) or (
                f"the log holds {self.frontier.size} entries, but the checkpoint of size"
                f" {newest} was signed over more: its tail was cut off",))

    def _hold_to(self, held: HeldCheckpoint) -> None:
        checkpoint = held.checkpoint
        if self.frontier.root() != checkpoint.root:
            first = self.since_checked[0][0] if self.since_checked else None
            raise Tampered(*self._named_difference(checkpoint.size) or (
                f"the log's root at size {checkpoint.size} is not the one signed: an event at"
                f" or after position {first} was changed, inserted, deleted or reordered",
                first))
        patients_root = base64.b64decode(checkpoint.extension(EXTENSION))
        for patient in self.moved:
            patient_id = UUID(patient)
            self.leaves[patient_id] = self.chains[patient].leaf(patient_id)
        self.moved.clear()
        if PatientTree.of_leaves(self.leaves).root != patients_root:
            raise Tampered(f"the patients' entries differ from those the checkpoint of size"
                           f" {checkpoint.size} was signed over",
                           self.since_checked[0][0] if self.since_checked else None)
        self.since_checked.clear()
        self.checkpoints_checked += 1

    def _named_difference(self, size: int) -> tuple[str, int] | None:
        """Where the stored events since the last good checkpoint leave the tree of `size`
        leaves, if the merkle_log view still holds them as they were logged (None when it
        agrees with the store: it may have been rebuilt from it)."""
        start = self.frontier.size - len(self.since_checked)
        with self.integrity.runner.views.transaction(write=False) as tx:
            logged = MerkleLog.leaves_after(tx, start - 1, size - start)
        for (position, leaf), (_, logged_position, logged_leaf) in zip(
                self.since_checked, logged, strict=False):
            if position > logged_position:
                return f"the event at position {logged_position} was deleted", logged_position
            if position < logged_position:
                return f"an event was inserted at position {position}", position
            if leaf.hex() != logged_leaf:
                return f"the event at position {position} was changed", position
        if len(logged) > len(self.since_checked):
            position = logged[len(self.since_checked)][1]
            return f"the event at position {position} was deleted", position
        return None

    def _planned(self, position: int, record: str, version: int, topic: str,
                 state: bytes) -> str:
        """The patient a course is planned for (their id as text), now its owner."""
        try:
            event = self.integrity.runner.records.mapper.to_domain_event(Notification(
                id=position, originator_id=UUID(record), originator_version=version,
                topic=topic, state=state))
        except Exception as error:  # whatever the decoder raises, it does not decode
            raise Tampered(f"the event at position {position} no longer decodes:"
                           f" {type(error).__name__}", position) from None
        self.owners[record] = str(event.patient_id)
        return self.owners[record]


def _kind(topic: str) -> str:
    """Whose entry an event of this topic is: a patient record's, a course's (the course's
    plan names the patient), or no one's."""
    if topic.startswith(PATIENT_TOPIC):
        return PATIENTS
    if topic == PLANNED:
        return PLANNED
    return COURSES if topic.startswith(COURSE_TOPIC) else NO_ONES
