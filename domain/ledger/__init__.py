"""The ledger: every stored event is a leaf of one RFC 6962 (Certificate Transparency)
Merkle tree, in log order, so that anyone holding a signed root can check an entry, or that
a later tree extends an earlier one, without trusting the database (DESIGN §5.1).

- `hashes`: the two domain-separated hashes everything else is built from.
- `entries`: the leaf of a stored event (its canonical bytes, then `leaf_hash`).
- `tree`: roots of ranges of leaves, and the append-only tree that keeps its subtrees.
- `proofs`: inclusion and consistency proofs, made and checked.
- `frontier`: the root of a log read once from start to end.
- `signed_note`, `checkpoint_text`, `witnessing`: checkpoints as C2SP signed notes, and what
  a witness decides.
- `completeness`: every patient's entries chained, so an export proves it left none out.

Every tree function takes leaf hashes, never raw data; ranges are half-open `[start, end)`.
Pure Python, stdlib only. `api/verify_export.py` repeats `hashes`, the leaf of an exported
event and the two proof checks, on purpose: see the note in `proofs`.
"""

from domain.ledger.entries import event_leaf_data, event_leaf_hash
from domain.ledger.frontier import Frontier
from domain.ledger.hashes import EMPTY_ROOT, leaf_hash, node_hash
from domain.ledger.proofs import (
    Node,
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from domain.ledger.tree import AppendOnlyTree, aligned_ranges, fold, foldable, root

__all__ = [
    "EMPTY_ROOT",
    "AppendOnlyTree",
    "Frontier",
    "Node",
    "aligned_ranges",
    "consistency_proof",
    "event_leaf_data",
    "event_leaf_hash",
    "fold",
    "foldable",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]
