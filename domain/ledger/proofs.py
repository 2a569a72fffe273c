"""Inclusion and consistency proofs (RFC 6962 §2.1.1-2), and their checks (RFC 9162 §2.1.3-4).

A proof is made from `node(start, end)`, any function that gives the root of a range of
leaves: an `AppendOnlyTree` in memory, or the merkle_log view reading its table.

`api/verify_export.py`, the regulator's offline verifier, repeats the two checks below
(`inclusion_holds`, `consistency_holds`), the hashes and the leaf of an exported event. That
copy is deliberate: the verifier is one file, stdlib and `cryptography` only, that a regulator
copies and reads without this code base. tests/integrity/test_export_verifier.py holds the two
to the same answers on random trees, valid and tampered proofs, so the copy cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.ledger.hashes import EMPTY_ROOT, node_hash

Node = Callable[[int, int], bytes]
"""`node(start, end)`: the root of the leaves `[start, end)`."""


def _split(n: int) -> int:
    """The largest power of two strictly less than `n` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(index: int, size: int, node: Node) -> list[bytes]:
    """Audit path PATH(index, D[size]) (RFC 6962 §2.1.1), leaf-side sibling first."""
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

    Empty when `old_size` is 0 or equals `new_size`.
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
    """Check an audit path for leaf hash `leaf` (RFC 9162 §2.1.3.2)."""
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
    """Check that tree `new_root` extends tree `old_root` (RFC 9162 §2.1.4.2)."""
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
