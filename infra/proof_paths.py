"""Inclusion proofs of many leaves against one tree size, for exports.

Every sibling on an inclusion path is either a complete aligned subtree, which the
merkle_log view stores and is read as it is, or a subtree on the tree's right edge (its end
is the tree's size; there are at most as many as the tree has levels), folded from its
blocks once and kept for the rest of the export. `MerkleLog.inclusion_proofs` folds every
sibling from its blocks anew; a clinic's export proves every leaf of the log, and that was
most of its time (bench/clinic_export.py). Same proofs, the same reads.
"""

from __future__ import annotations

from domain.ledger import EMPTY_ROOT, fold, inclusion_proof
from projections.base import ViewTransaction
from projections.merkle_log import _blocks, _fetch


class ProofPaths:
    """The inclusion proofs of leaves against the tree of `size` leaves; one instance may
    serve a whole export (it keeps only the right edge's subtrees: memory stays flat)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.edge: dict[tuple[int, int], bytes] = {}

    def of(self, tx: ViewTransaction, indices: list[int]) -> list[list[bytes]]:
        """Each leaf's proof, from one read of the subtrees they need."""
        wanted: set[tuple[int, int]] = set()

        def note(start: int, end: int) -> bytes:
            block = _stored(start, end)
            if block is not None:
                wanted.add(block)
            elif (start, end) not in self.edge:
                wanted.update(_blocks(start, end))
            return EMPTY_ROOT

        for index in indices:
            inclusion_proof(index, self.size, note)
        hashes = _fetch(tx, wanted)

        def node(start: int, end: int) -> bytes:
            block = _stored(start, end)
            if block is not None:
                return hashes[block]
            edge = self.edge.get((start, end))
            if edge is None:
                edge = self.edge[(start, end)] = fold([hashes[b] for b in _blocks(start, end)])
            return edge

        return [inclusion_proof(index, self.size, node) for index in indices]


def _stored(start: int, end: int) -> tuple[int, int] | None:
    """(level, index) of the stored subtree that is exactly [start, end), if it is one."""
    width = end - start
    if width & (width - 1) or start % width:
        return None
    return width.bit_length() - 1, start // width
