"""verify: recompute every leaf and signed root from the event store itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.ledger import event_leaf_hash
from infra.integrity import Frontier, Integrity
from projections.merkle_log import MerkleLog

BATCH = 5000


@dataclass(frozen=True)
class Verdict:
    ok: bool
    events_checked: int
    first_bad_position: int | None = None
    problem: str = ""


def verify(integrity: Integrity, public_key: Ed25519PublicKey) -> Verdict:
    """Compare the store, event by event, with the Merkle log and its signed checkpoints.

    Events recorded after the log's last leaf are not judged (the runner has not taken them
    in yet); call `runner.catch_up()` first to cover everything.
    """
    with integrity.runner.views.transaction(write=False) as tx:
        checkpoints = Integrity.all_checkpoints(tx)
    for checkpoint in checkpoints:
        if not checkpoint.signed_by(public_key):
            return Verdict(False, 0, None, f"checkpoint at size {checkpoint.size}: bad signature")
    roots = {checkpoint.size: checkpoint.root for checkpoint in checkpoints}
    frontier, checked = Frontier(), 0
    for stored, logged in zip_longest(_stored(integrity), _leaves(integrity)):
        if logged is None:
            break
        position, expected = logged
        if stored is None or stored.id > position:
            return Verdict(False, checked, position, f"event at {position} was deleted")
        if stored.id < position:
            return Verdict(False, checked, stored.id, f"event at {stored.id} was inserted")
        leaf = event_leaf_hash(stored)
        if leaf.hex() != expected:
            return Verdict(False, checked, position, f"event at {position} was changed")
        frontier.append(leaf)
        checked += 1
        if checked in roots and frontier.root().hex() != roots[checked]:
            return Verdict(False, checked, position, f"root at checkpoint {checked} differs")
    return Verdict(True, checked)


def _stored(integrity: Integrity) -> Iterator:
    recorder, start = integrity.runner.records.recorder, None
    while notifications := recorder.select_notifications(start, BATCH):
        yield from notifications
        start = notifications[-1].id + 1


def _leaves(integrity: Integrity) -> Iterator[tuple[int, str]]:
    after = -1
    while True:
        with integrity.runner.views.transaction(write=False) as tx:
            rows = MerkleLog.leaves_after(tx, after, BATCH)
        if not rows:
            return
        yield from ((position, value) for _, position, value in rows)
        after = rows[-1][0]
