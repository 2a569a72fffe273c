"""RFC 6962 (Certificate Transparency) Merkle tree: hashes, proofs and verification.

Pure Python, stdlib ``hashlib`` only. Every tree function takes *leaf hashes*
(``leaf_hash(data)``), never raw data. Ranges are half-open ``[start, end)``.

Storage model: the hash of every complete, aligned subtree
``[k * 2**h, (k + 1) * 2**h)`` is stored once, as ``levels[h][k]``
(a table ``merkle_nodes(level, idx, hash)`` mirrors it). Every range the proof
algorithms request is then ``fold`` of at most ``log2(n)`` stored hashes
(``aligned_ranges``), so proofs cost O(log^2 n) hashes however big the tree.
"""

from __future__ import annotations

import json
from binascii import b2a_base64
from collections.abc import Callable, Sequence
from hashlib import sha256

Node = Callable[[int, int], bytes]

EMPTY_ROOT = sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the hash of one log entry."""
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node."""
    return sha256(b"\x01" + left + right).digest()


def event_leaf_data(position: int, originator_id: object, version: int, topic: str,
                    state: bytes) -> bytes:
    """The canonical bytes of one stored event (DESIGN 5.1): a compact JSON array of the
    log position, record id, version, topic and the state bytes as stored, in base64."""
    record = str(originator_id)
    if type(position) is int and type(version) is int and _plain(record) and _plain(topic):
        # The usual case, without the cost of the JSON encoder (base64 is always plain).
        return b'[%d,"%s",%d,"%s","%s"]' % (position, record.encode(), version, topic.encode(),
                                            b2a_base64(state, newline=False))
    fields = [position, record, version, topic, b2a_base64(state, newline=False).decode()]
    return json.dumps(fields, separators=(",", ":")).encode()


def _plain(text: str) -> bool:
    """Whether json.dumps writes this text unchanged: printable ASCII without quote or
    backslash."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def event_leaf_hash(stored, record_id: str | None = None) -> bytes:
    """Leaf hash of a stored event (a Notification: id, originator, version, topic, state);
    `record_id`, the originator id as text, when the caller has it already."""
    return leaf_hash(event_leaf_data(stored.id, record_id or stored.originator_id,
                                     stored.originator_version, stored.topic, stored.state))


def _split(n: int) -> int:
    """The largest power of two strictly less than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (RFC 6962 §2.1), computed bottom-up level by level.

    Pairing neighbours and promoting an odd last node unchanged builds the same
    left-heavy tree as the RFC's recursive split at the largest power of two.
    """
    level = list(leaves)
    while len(level) > 1:
        pairs = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = pairs + level[2 * len(pairs):]
    return level[0] if level else EMPTY_ROOT


def aligned_ranges(start: int, end: int) -> list[tuple[int, int]]:
    """Split ``[start, end)`` into maximal aligned power-of-two blocks, left to right."""
    blocks = []
    while start < end:
        width = 1 << ((end - start).bit_length() - 1)
        if start:
            width = min(width, start & -start)
        blocks.append((start, start + width))
        start += width
    return blocks


def foldable(start: int, end: int) -> bool:
    """Whether ``fold`` of the aligned blocks of ``[start, end)`` is its MTH.

    True when ``start`` is a multiple of the largest power of two <= the width:
    the blocks then shrink left to right, matching the RFC's left-heavy split.
    Every range the inclusion and consistency proofs request has this shape.
    """
    return start < end and start % (1 << ((end - start).bit_length() - 1)) == 0


def fold(hashes: Sequence[bytes]) -> bytes:
    """Combine the hashes of a range's aligned blocks (left to right) right-first.

    ``fold([a, b, c]) == node_hash(a, node_hash(b, c))``.
    """
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def inclusion_proof(index: int, size: int, node: Node) -> list[bytes]:
    """Audit path PATH(index, D[size]) (RFC 6962 §2.1.1), leaf-side sibling first.

    ``node(start, end)`` must return the MTH of ``leaves[start:end]``.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} outside tree of size {size}")
    path, lo, hi = [], 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(node(lo + k, hi))
            hi = lo + k
        else:
            path.append(node(lo, lo + k))
            lo += k
    return path[::-1]


def consistency_proof(old_size: int, new_size: int, node: Node) -> list[bytes]:
    """PROOF(old_size, D[new_size]) via SUBPROOF (RFC 6962 §2.1.2).

    Empty when ``old_size`` is 0 or equals ``new_size``.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    proof, lo, m, n, whole = [], 0, old_size, new_size, True
    while m != n:
        k = _split(n)
        if m <= k:
            proof.append(node(lo + k, lo + n))
            n = k
        else:
            proof.append(node(lo, lo + k))
            lo, m, n, whole = lo + k, m - k, n - k, False
    if not whole:
        proof.append(node(lo, lo + n))
    return proof[::-1]


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until fn's lowest bit is set or fn is 0 (RFC 9162)."""
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes],
                     root: bytes) -> bool:
    """Check an audit path for leaf hash ``leaf`` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_while_even(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """Check that tree ``new_root`` extends tree ``old_root`` (RFC 9162 §2.1.4.2)."""
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
    return _consistency_walk(fn, sn, path) == (old_root, new_root, 0)


def _consistency_walk(fn: int, sn: int, path: Sequence[bytes]) -> tuple | None:
    """Steps 5-6 of RFC 9162 §2.1.4.2: the (old root, new root, sn) a path implies."""
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _shift_while_even(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr, sr, sn


class AppendOnlyTree:
    """In-memory append-only log keeping every complete aligned subtree hash.

    ``levels[h][k]`` is the MTH of ``leaves[k * 2**h : (k + 1) * 2**h]``;
    ``levels[0]`` holds the leaf hashes. Appending a leaf adds one hash per
    level it completes: the rows a ``merkle_nodes(level, idx, hash)`` table gets.
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
        """Append a leaf hash; return its index. Stores each subtree it completes."""
        levels, h = self.levels, 0
        levels[0].append(leaf)
        while len(levels[h]) % 2 == 0:
            if h + 1 == len(levels):
                levels.append([])
            levels[h + 1].append(node_hash(levels[h][-2], levels[h][-1]))
            h += 1
        return self.size - 1

    def node(self, start: int, end: int) -> bytes:
        """MTH of ``leaves[start:end]``; O(log n) for the ranges proofs request."""
        if not 0 <= start < end <= self.size:
            raise ValueError(f"range [{start}, {end}) outside tree of size {self.size}")
        if not foldable(start, end):
            return root(self.levels[0][start:end])
        return fold([self.levels[(e - s).bit_length() - 1][s // (e - s)]
                     for s, e in aligned_ranges(start, end)])

    def root(self, size: int | None = None) -> bytes:
        """Root of the first ``size`` leaves (default: all of them)."""
        size = self._size(size)
        return self.node(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path of leaf ``index`` in the tree of the first ``size`` leaves."""
        return inclusion_proof(index, self._size(size), self.node)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Proof that the first ``new_size`` leaves extend the first ``old_size``."""
        return consistency_proof(old_size, self._size(new_size), self.node)

    def _size(self, size: int | None) -> int:
        """A tree size this log has reached; its current size by default."""
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"log has {self.size} leaves, not {size}")
        return size
