"""RFC 6962 Merkle tree: published vectors, brute force against the RFC's recursive
definitions for every small tree, tampering, and hypothesis."""

from __future__ import annotations

import base64
import json
from hashlib import sha256
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.ledger import (
    EMPTY_ROOT,
    AppendOnlyTree,
    aligned_ranges,
    consistency_proof,
    event_leaf_data,
    fold,
    foldable,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# --- Reference implementations, transcribed from the recursive RFC 6962 text ---------


def rfc_mth(d: list[bytes]) -> bytes:
    """MTH(D[n]) of §2.1, over leaf hashes."""
    if not d:
        return sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return sha256(b"\x01" + rfc_mth(d[:k]) + rfc_mth(d[k:])).digest()


def rfc_path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of §2.1.1."""
    if len(d) == 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return rfc_path(m, d[:k]) + [rfc_mth(d[k:])]
    return rfc_path(m - k, d[k:]) + [rfc_mth(d[:k])]


def rfc_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of §2.1.2."""
    if m == len(d):
        return [] if b else [rfc_mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return rfc_subproof(m, d[:k], b) + [rfc_mth(d[k:])]
    return rfc_subproof(m - k, d[k:], False) + [rfc_mth(d[:k])]


# --- Published Certificate Transparency vectors ---------------------------------------

CT_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
             bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# transparency-dev/merkle testonly NodeHashes(): [level][index] for the 8-leaf tree.
CT_LEVELS = [
    ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"],
    ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"],
    ["d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
H = {lvl: [bytes.fromhex(x) for x in row] for lvl, row in enumerate(CT_LEVELS)}
# (0-based leaf index, tree size) -> audit path. CT's C++/Go suites list these 1-based.
CT_INCLUSION = {
    (0, 1): [],
    (0, 8): [H[0][1], H[1][1], H[2][1]],
    (5, 8): [H[0][4], H[1][3], H[2][0]],
    (2, 3): [H[1][0]],
    (1, 5): [H[0][0], H[1][1], H[0][4]],
}
CT_CONSISTENCY = {
    (1, 1): [],
    (1, 8): [H[0][1], H[1][1], H[2][1]],
    (6, 8): [H[1][2], H[1][3], H[2][0]],
    (2, 5): [H[1][1], H[0][4]],
    (6, 7): [H[1][2], H[0][6], H[2][0]],
}


@pytest.fixture(scope="module")
def ct_tree() -> AppendOnlyTree:
    return AppendOnlyTree([leaf_hash(x) for x in CT_LEAVES])


def test_hashes_are_domain_separated_sha256():
    assert EMPTY_ROOT == sha256(b"").digest()
    assert leaf_hash(b"abc") == sha256(b"\x00abc").digest()
    assert node_hash(b"L", b"R") == sha256(b"\x01LR").digest()


def test_roots_of_zero_to_three_leaves_by_hand():
    a, b, c = (sha256(b"\x00" + x).digest() for x in (b"a", b"b", b"c"))
    ab = sha256(b"\x01" + a + b).digest()
    assert root([]) == sha256(b"").digest()
    assert root([a]) == a
    assert root([a, b]) == ab
    assert root([a, b, c]) == sha256(b"\x01" + ab + c).digest()


def test_ct_roots_for_every_prefix(ct_tree):
    hashes = ct_tree.levels[0]
    for n, expected in enumerate(CT_ROOTS):
        assert root(hashes[:n]).hex() == expected
        assert ct_tree.root(n).hex() == expected
        assert rfc_mth(hashes[:n]).hex() == expected


def test_levels_are_ct_node_hashes(ct_tree):
    assert [[h.hex() for h in row] for row in ct_tree.levels] == CT_LEVELS


def test_ct_inclusion_vectors(ct_tree):
    for (index, size), expected in CT_INCLUSION.items():
        assert rfc_path(index, ct_tree.levels[0][:size]) == expected  # vector sanity
        assert ct_tree.inclusion_proof(index, size) == expected
        assert verify_inclusion(ct_tree.levels[0][index], index, size, expected,
                                bytes.fromhex(CT_ROOTS[size]))


def test_ct_consistency_vectors(ct_tree):
    for (old, new), expected in CT_CONSISTENCY.items():
        assert rfc_subproof(old, ct_tree.levels[0][:new], True) == expected
        assert ct_tree.consistency_proof(old, new) == expected
        assert verify_consistency(old, new, bytes.fromhex(CT_ROOTS[old]),
                                  bytes.fromhex(CT_ROOTS[new]), expected)


# --- Aligned subtrees and folding -------------------------------------------------------

MAX = 70
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(MAX)]


@pytest.fixture(scope="module")
def big() -> AppendOnlyTree:
    return AppendOnlyTree(LEAVES)


def test_aligned_ranges_examples():
    assert aligned_ranges(0, 7) == [(0, 4), (4, 6), (6, 7)]
    assert aligned_ranges(1, 8) == [(1, 2), (2, 4), (4, 8)]
    assert aligned_ranges(5, 13) == [(5, 6), (6, 8), (8, 12), (12, 13)]
    assert aligned_ranges(3, 3) == []


def test_aligned_ranges_tile_the_range_with_maximal_aligned_blocks():
    for start in range(MAX):
        for end in range(start + 1, MAX + 1):
            blocks = aligned_ranges(start, end)
            assert [s for s, _ in blocks] == [start] + [e for _, e in blocks[:-1]]
            assert blocks[-1][1] == end
            for s, e in blocks:
                w = e - s
                assert w & (w - 1) == 0 and s % w == 0
                assert s % (2 * w) or s + 2 * w > end  # doubling it breaks alignment/fit


def test_levels_hold_every_complete_aligned_subtree(big):
    for h, row in enumerate(big.levels):
        assert len(row) == MAX >> h
        for k, value in enumerate(row):
            assert value == root(LEAVES[k << h:(k + 1) << h])


def _recording(tree: AppendOnlyTree, seen: set[tuple[int, int]]):
    def node(start: int, end: int) -> bytes:
        seen.add((start, end))
        return tree.node(start, end)
    return node


def test_every_range_the_proofs_request_folds_to_its_root(big):
    requested: set[tuple[int, int]] = set()
    node = _recording(big, requested)
    for size in range(1, MAX + 1):
        for i in range(size):
            inclusion_proof(i, size, node)
        for old in range(size + 1):
            consistency_proof(old, size, node)
    assert len(requested) > 200
    for start, end in requested:
        assert foldable(start, end)
        blocks = [big.levels[(e - s).bit_length() - 1][s // (e - s)]
                  for s, e in aligned_ranges(start, end)]
        assert fold(blocks) == root(LEAVES[start:end]) == rfc_mth(LEAVES[start:end])


def test_node_is_the_root_of_any_range(big):
    for start in range(MAX):
        for end in range(start + 1, MAX + 1):
            assert big.node(start, end) == rfc_mth(LEAVES[start:end])


def test_fold_is_right_first():
    a, b, c = LEAVES[:3]
    assert fold([]) == EMPTY_ROOT
    assert fold([a]) == a
    assert fold([a, b, c]) == node_hash(a, node_hash(b, c))


# --- Inclusion proofs --------------------------------------------------------------------


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


def test_inclusion_proofs_match_rfc_and_verify_for_every_leaf(big):
    for size in range(1, 65):
        r = big.root(size)
        assert r == rfc_mth(LEAVES[:size])
        for i in range(size):
            proof = big.inclusion_proof(i, size)
            assert proof == rfc_path(i, LEAVES[:size])
            assert verify_inclusion(LEAVES[i], i, size, proof, r)


def test_inclusion_fails_for_forgeries(big):
    for size in range(1, 65):
        r = big.root(size)
        for i in range(size):
            proof = big.inclusion_proof(i, size)
            assert not verify_inclusion(leaf_hash(b"forged"), i, size, proof, r)
            assert not verify_inclusion(LEAVES[i], i, size, proof, _flip(r))
            wrong = range(size) if size <= 16 else [(i + 1) % size]
            for j in wrong:
                assert j == i or not verify_inclusion(LEAVES[i], j, size, proof, r)
            for k in range(len(proof)):
                bad = proof[:k] + [_flip(proof[k])] + proof[k + 1:]
                assert not verify_inclusion(LEAVES[i], i, size, bad, r)
            assert not verify_inclusion(LEAVES[i], i, size, proof + [LEAVES[0]], r)
            if proof:
                assert not verify_inclusion(LEAVES[i], i, size, proof[:-1], r)


def test_inclusion_rejects_out_of_range():
    tree = AppendOnlyTree(LEAVES[:5])
    assert not verify_inclusion(LEAVES[5], 5, 5, [], tree.root())
    assert not verify_inclusion(LEAVES[0], -1, 5, [], tree.root())
    for index, size in [(5, 5), (-1, 5), (0, 0), (0, 6)]:
        with pytest.raises(ValueError):
            tree.inclusion_proof(index, size)
    with pytest.raises(ValueError):
        AppendOnlyTree().inclusion_proof(0, 1)
    with pytest.raises(ValueError):
        tree.root(6)
    assert AppendOnlyTree().root() == EMPTY_ROOT


# --- Consistency proofs ------------------------------------------------------------------


def test_consistency_proofs_match_rfc_and_verify(big):
    for new in range(0, 65):
        for old in range(0, new + 1):
            proof = big.consistency_proof(old, new)
            if 0 < old < new:
                assert proof == rfc_subproof(old, LEAVES[:new], True)
            else:
                assert proof == []
            assert verify_consistency(old, new, big.root(old), big.root(new), proof)


def test_consistency_fails_for_forgeries(big):
    for new in range(1, 65):
        for old in range(1, new + 1):
            proof = big.consistency_proof(old, new)
            r_old, r_new = big.root(old), big.root(new)
            assert not verify_consistency(old, new, _flip(r_old), r_new, proof)
            assert not verify_consistency(old, new, r_old, _flip(r_new), proof)
            for k in range(len(proof)):
                bad = proof[:k] + [_flip(proof[k])] + proof[k + 1:]
                assert not verify_consistency(old, new, r_old, r_new, bad)
            if proof:
                assert not verify_consistency(old, new, r_old, r_new, proof[:-1])
            assert not verify_consistency(old, new, r_old, r_new, proof + [LEAVES[0]])
            if old < new:  # the same proof cannot vouch for other sizes
                assert not verify_consistency(old, new - 1, r_old, big.root(new - 1), proof)


def test_consistency_edge_cases(big):
    r3, r5 = big.root(3), big.root(5)
    assert verify_consistency(0, 5, EMPTY_ROOT, r5, [])
    assert not verify_consistency(0, 5, r3, r5, [])
    assert not verify_consistency(3, 5, r3, r5, [])
    assert not verify_consistency(5, 3, r5, r3, big.consistency_proof(3, 5))
    assert not verify_consistency(5, 5, r5, r5, [r5])
    for old, new in [(-1, 3), (4, 3), (0, MAX + 1)]:
        with pytest.raises(ValueError):
            big.consistency_proof(old, new)


# --- Property-based ----------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=12), min_size=1, max_size=300), st.data())
def test_random_logs(entries, data):
    hashes = [leaf_hash(e) for e in entries]
    tree = AppendOnlyTree()
    for i, h in enumerate(hashes):
        assert tree.append(h) == i
    n = len(hashes)
    assert tree.size == n
    assert tree.root() == root(hashes) == rfc_mth(hashes)
    index = data.draw(st.integers(0, n - 1), label="index")
    assert verify_inclusion(hashes[index], index, n, tree.inclusion_proof(index), tree.root())
    old = data.draw(st.integers(0, n), label="old_size")
    proof = tree.consistency_proof(old)
    assert verify_consistency(old, n, root(hashes[:old]), tree.root(), proof)


def json_leaf_data(position, originator_id, version, topic, state) -> bytes:
    """DESIGN 5.1 as written: the compact JSON array, always through the JSON encoder."""
    fields = [position, str(originator_id), version, topic, base64.b64encode(state).decode()]
    return json.dumps(fields, separators=(",", ":")).encode()


def test_event_leaf_data_of_a_stored_event_is_its_compact_json_array():
    record = UUID("12345678-1234-5678-1234-567812345678")
    assert event_leaf_data(7, record, 2, "mesoledger.TreatmentCourse.Injected", b"{}") == (
        b'[7,"12345678-1234-5678-1234-567812345678",2,'
        b'"mesoledger.TreatmentCourse.Injected","e30="]')


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(), st.booleans()), st.one_of(st.uuids(), st.text()), st.integers(),
       st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127))),
       st.binary(max_size=64))
def test_event_leaf_data_is_byte_identical_to_the_json_encoder(position, record, version,
                                                                topic, state):
    assert event_leaf_data(position, record, version, topic, state) == \
        json_leaf_data(position, record, version, topic, state)
