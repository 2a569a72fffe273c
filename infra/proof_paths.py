"""Inclusion proofs of many leaves against one tree size, for exports.

Every sibling on an inclusion path is either a complete aligned subtree, which the
merkle_log view stores and is read as it is, or a subtree on the tree's right edge (its end
is the tree's size; there are at most as many as the tree has levels), folded from its
blocks once and kept for the rest of the export. `MerkleLog.inclusion_proofs` folds every
sibling from its blocks anew and runs the proof algorithm twice per leaf; a clinic's export
proves every leaf of the log, and that was most of its time (bench/clinic_export.py). Same
proofs, fewer reads.

A leaf's path is read off its index's bits (the sibling of its ancestor at each level), not
found by the RFC's recursive split: the same siblings, leaf side first. The part above
level SHARED is the same for every leaf under one node there, and many upper siblings are
the same across patients: both are kept, already in base64, so they are worked out, read
and encoded once, not once per leaf or per patient (at most about `KEPT` of them: memory
stays flat whatever the clinic's size).
"""

from __future__ import annotations

from binascii import b2a_base64

from domain.ledger import fold
from projections.base import ViewTransaction
from projections.merkle_log import _blocks, _fetch

KEPT = 1 << 14
"""Stored subtrees kept in base64 between patients (about 2 MB)."""

SHARED = 6
"""Leaves in one block of 2**SHARED share their path above that level."""

Where = tuple[bool, tuple[int, int]]
"""A sibling: (True, (level, index)) a stored subtree; (False, (start, end)) a right-edge
subtree folded from its blocks."""


def b64(value: bytes) -> str:
    return b2a_base64(value, newline=False).decode()  # base64.b64encode, less its wrapper


def path_of(index: int, size: int) -> list[Where]:
    """Where each sibling on leaf `index`'s path in the tree of `size` leaves is found
    (RFC 6962 §2.1.1's PATH, leaf side first)."""
    return _siblings(index, size, 0, None)


def _siblings(index: int, size: int, level: int, below: int | None) -> list[Where]:
    """The part of the path from `level` up to `below` (the top if None)."""
    path, node = [], index >> level
    while (size > (1 << level) or node) and level != below:  # until the whole tree
        width = 1 << level
        if node & 1:  # a left sibling is always complete
            path.append((True, (level, node - 1)))
        else:
            start = (node + 1) << level
            if start + width <= size:
                path.append((True, (level, node + 1)))
            elif start < size:  # on the right edge; none at all when it would start past it
                rest = size - start  # stored when a power of two (`start` is aligned to it)
                path.append((True, (rest.bit_length() - 1, start // rest)) if rest & (rest - 1)
                            == 0 else (False, (start, size)))
        node, level = node >> 1, level + 1
    return path


class ProofPaths:
    """The inclusion proofs of leaves against the tree of `size` leaves; one instance may
    serve a whole export (it keeps the right edge's subtrees and at most KEPT others)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.edge: dict[tuple[int, int], bytes] = {}
        self.kept: dict[tuple[int, int], str] = {}
        self.uppers: dict[int, list[str]] = {}
        """The path above level SHARED of each block of 2**SHARED leaves, in base64."""

    def encoded(self, tx: ViewTransaction, indices: list[int]) -> list[list[str]]:
        """Each leaf's proof in base64, reading only the stored subtrees not kept from the
        leaves before; the part of a path above level SHARED is worked out once for all the
        leaves under it."""
        kept, uppers, size = self.kept, self.uppers, self.size
        if len(kept) > KEPT or len(uppers) > KEPT >> 4:
            kept.clear()
            uppers.clear()
        lowers = [_siblings(index, size, 0, SHARED) for index in indices]
        new = {block: _siblings(block << SHARED, size, SHARED, None)
               for block in {index >> SHARED for index in indices} if block not in uppers}
        paths = [*lowers, *new.values()]
        hashes = self._read(tx, paths, kept)
        for block, value in hashes.items():
            kept[block] = b64(value)
        edges = {}
        for path in paths:
            for stored, where in path:
                if not stored and where not in edges:
                    edges[where] = b64(self._edge(where, hashes))
        for block, path in new.items():
            uppers[block] = [kept[where] if stored else edges[where] for stored, where in path]
        return [[kept[where] if stored else edges[where] for stored, where in lower]
                + uppers[index >> SHARED] for index, lower in zip(indices, lowers, strict=True)]

    def _read(self, tx: ViewTransaction, paths: list[list[Where]], kept: dict) -> dict:
        wanted: set[tuple[int, int]] = set()
        for path in paths:
            for stored, where in path:
                if stored:
                    if where not in kept:
                        wanted.add(where)
                elif where not in self.edge:
                    wanted.update(_blocks(*where))
        return _fetch(tx, wanted)

    def _edge(self, where: tuple[int, int], hashes: dict) -> bytes:
        found = self.edge.get(where)
        if found is None:
            found = self.edge[where] = fold([hashes[b] for b in _blocks(*where)])
        return found
