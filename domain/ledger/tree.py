"""Roots of ranges of leaves, and the append-only tree that keeps every complete subtree.

Storage model: the hash of every complete, aligned subtree `[k * 2**h, (k + 1) * 2**h)` is
kept once, as `levels[h][k]` (the merkle_log view mirrors it in a table
`merkle_nodes(level, idx, hash)`). Every range the proofs request is then `fold` of at most
`log2(n)` kept hashes (`aligned_ranges`), so a proof costs O(log² n) hashes however big the
tree.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.ledger.hashes import EMPTY_ROOT, node_hash
from domain.ledger.proofs import consistency_proof, inclusion_proof


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (RFC 6962 §2.1), computed bottom-up level by level.

    Pairing neighbours and promoting an odd last node unchanged builds the same left-heavy
    tree as the RFC's recursive split at the largest power of two.
    """
    level = list(leaves)
    while len(level) > 1:
        pairs = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = pairs + level[2 * len(pairs):]
    return level[0] if level else EMPTY_ROOT


def aligned_ranges(start: int, end: int) -> list[tuple[int, int]]:
    """Split `[start, end)` into maximal aligned power-of-two blocks, left to right."""
    blocks = []
    while start < end:
        width = 1 << ((end - start).bit_length() - 1)
        if start:
            width = min(width, start & -start)
        blocks.append((start, start + width))
        start += width
    return blocks


def foldable(start: int, end: int) -> bool:
    """Whether `fold` of the aligned blocks of `[start, end)` is its MTH.

    True when `start` is a multiple of the largest power of two <= the width: the blocks
    then shrink left to right, matching the RFC's left-heavy split. Every range the
    inclusion and consistency proofs request has this shape.
    """
    return start < end and start % (1 << ((end - start).bit_length() - 1)) == 0


def fold(hashes: Sequence[bytes]) -> bytes:
    """Combine the hashes of a range's aligned blocks (left to right) right-first.

    `fold([a, b, c]) == node_hash(a, node_hash(b, c))`.
    """
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


class AppendOnlyTree:
    """An append-only log in memory, keeping every complete aligned subtree hash.

    `levels[h][k]` is the MTH of `leaves[k * 2**h : (k + 1) * 2**h]`; `levels[0]` holds the
    leaf hashes. Appending a leaf adds one hash per level it completes: the rows the
    `merkle_nodes(level, idx, hash)` table gets.
    """

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def append(self, leaf: bytes) -> int:
        """Append a leaf hash; return its index. Keeps each subtree it completes."""
        levels, h = self.levels, 0
        levels[0].append(leaf)
        while len(levels[h]) % 2 == 0:
            if h + 1 == len(levels):
                levels.append([])
            levels[h + 1].append(node_hash(levels[h][-2], levels[h][-1]))
            h += 1
        return self.size - 1

    def node(self, start: int, end: int) -> bytes:
        """MTH of `leaves[start:end]`; O(log n) for the ranges proofs request."""
        if not 0 <= start < end <= self.size:
            raise ValueError(f"range [{start}, {end}) outside tree of size {self.size}")
        if not foldable(start, end):
            return root(self.levels[0][start:end])
        return fold([self.levels[(e - s).bit_length() - 1][s // (e - s)]
                     for s, e in aligned_ranges(start, end)])

    def root(self, size: int | None = None) -> bytes:
        """Root of the first `size` leaves (default: all of them)."""
        size = self._size(size)
        return self.node(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path of leaf `index` in the tree of the first `size` leaves."""
        return inclusion_proof(index, self._size(size), self.node)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Proof that the first `new_size` leaves extend the first `old_size`."""
        return consistency_proof(old_size, self._size(new_size), self.node)

    def _size(self, size: int | None) -> int:
        """A tree size this log has reached; its current size by default."""
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"log has {self.size} leaves, not {size}")
        return size
