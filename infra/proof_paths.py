"""Inclusion proofs of many leaves against one tree size, for exports.

Every sibling on an inclusion path is either a complete aligned subtree, which the
merkle_log view stores and is read as it is, or a subtree on the tree's right edge (its end
is the tree's size; there are at most as many as the tree has levels), folded from its
blocks once and kept for the rest of the export. `MerkleLog.inclusion_proofs` folds every
sibling from its blocks anew and runs the proof algorithm twice per leaf; a clinic's export
proves every leaf of the log, and that was most of its time (bench/clinic_export.py). Same
proofs, the same reads.
"""

from __future__ import annotations

from domain.ledger import fold, inclusion_proof
from projections.base import ViewTransaction
from projections.merkle_log import _blocks, _fetch


class ProofPaths:
    """The inclusion proofs of leaves against the tree of `size` leaves; one instance may
    serve a whole export (it keeps only the right edge's subtrees: memory stays flat)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.edge: dict[tuple[int, int], bytes] = {}

    def of(self, tx: ViewTransaction, indices: list[int]) -> list[list[bytes]]:
        """Each leaf's proof, from one read of the subtrees they need: the proof algorithm
        runs once per leaf, naming where each sibling's hash is to be found."""
        wanted: set[tuple[int, int]] = set()

        def locate(start: int, end: int) -> tuple[bool, tuple[int, int]]:
            width = end - start
            if not (width & (width - 1) or start % width):  # a complete aligned subtree
                block = (width.bit_length() - 1, start // width)  # stored as (level, index)
                wanted.add(block)
                return True, block
            if (start, end) not in self.edge:
                wanted.update(_blocks(start, end))
            return False, (start, end)

        paths = [inclusion_proof(index, self.size, locate) for index in indices]
        hashes = _fetch(tx, wanted)

        def edge(where: tuple[int, int]) -> bytes:
            found = self.edge.get(where)
            if found is None:
                found = self.edge[where] = fold([hashes[b] for b in _blocks(*where)])
            return found

        return [[hashes[where] if stored else edge(where) for stored, where in path]
                for path in paths]

