"""The regulator's verifier (api/verify_export.py) repeats the ledger's hashes, event leaf
and proof checks so that it can be copied alone; it must answer as domain/ledger/ does, for
valid proofs and for every kind of forgery."""

from __future__ import annotations

import base64
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from api import verify_export as copy
from domain import ledger

HASHES = st.binary(min_size=32, max_size=32)


@st.composite
def trees(draw, min_size: int = 1) -> ledger.AppendOnlyTree:
    size = draw(st.integers(min_size, 150), label="size")
    return ledger.AppendOnlyTree([ledger.leaf_hash(i.to_bytes(4, "big")) for i in range(size)])


def tampered(draw, proof: list[bytes]) -> list[bytes]:
    """The proof as given, or one hash of it flipped, dropped or added."""
    how = draw(st.sampled_from(["as given", "flipped", "dropped", "added"]), label="proof")
    if how == "as given" or (how != "added" and not proof):
        return proof
    at = draw(st.integers(0, len(proof) - (how != "added")), label="at")
    if how == "flipped":
        return [*proof[:at], bytes([proof[at][0] ^ 1]) + proof[at][1:], *proof[at + 1:]]
    if how == "dropped":
        return proof[:at] + proof[at + 1:]
    return [*proof[:at], draw(HASHES), *proof[at:]]


@given(st.binary(max_size=64), HASHES, HASHES)
def test_the_verifier_hashes_leaves_and_nodes_as_the_ledger_does(data, left, right):
    assert copy.leaf_hash(data) == ledger.leaf_hash(data)
    assert copy.node_hash(left, right) == ledger.node_hash(left, right)
    assert copy.EMPTY_ROOT == ledger.EMPTY_ROOT


@settings(max_examples=300)
@given(st.integers(1, 2**53), st.uuids(), st.integers(1, 10**6), st.text(max_size=40),
       st.binary(max_size=200))
def test_the_verifier_hashes_an_exported_event_as_the_ledger_hashed_it_stored(
        position, record_id, version, topic, state):
    stored = SimpleNamespace(id=position, originator_id=record_id, originator_version=version,
                             topic=topic, state=state)
    exported = {"position": position, "originator_id": str(record_id), "version": version,
                "topic": topic, "state": base64.b64encode(state).decode()}

    assert copy.event_leaf(exported) == ledger.event_leaf_hash(stored)


@settings(max_examples=400, deadline=None)
@given(trees(), st.data())
def test_the_verifier_accepts_exactly_the_inclusion_proofs_the_ledger_accepts(tree, data):
    size = tree.size
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tampered(data.draw, tree.inclusion_proof(index))
    claimed_index = data.draw(st.sampled_from([index, index - 1, index + 1, size]), label="i")
    claimed_size = data.draw(st.sampled_from([size, size - 1, size + 1]), label="claimed size")
    root = data.draw(st.sampled_from([tree.root(), tree.root(size - 1), ledger.EMPTY_ROOT]))
    leaf = tree.levels[0][index]

    expected = ledger.verify_inclusion(leaf, claimed_index, claimed_size, proof, root)
    assert copy.inclusion_holds(leaf, claimed_index, claimed_size, proof, root) == expected
    if (proof, claimed_index, claimed_size, root) == (tree.inclusion_proof(index), index,
                                                      size, tree.root()):
        assert expected, "a true inclusion proof is accepted"


@settings(max_examples=400, deadline=None)
@given(trees(min_size=0), st.data())
def test_the_verifier_accepts_exactly_the_consistency_proofs_the_ledger_accepts(tree, data):
    new = tree.size
    old = data.draw(st.integers(0, new), label="old size")
    proof = tampered(data.draw, tree.consistency_proof(old))
    claimed_old = data.draw(st.sampled_from([old, old - 1, old + 1]), label="claimed old")
    old_root = data.draw(st.sampled_from([tree.root(old), tree.root(), ledger.EMPTY_ROOT,
                                          ledger.leaf_hash(b"forged")]), label="old root")
    new_root = data.draw(st.sampled_from([tree.root(), tree.root(old)]), label="new root")

    expected = ledger.verify_consistency(claimed_old, new, old_root, new_root, proof)
    assert copy.consistency_holds(claimed_old, new, old_root, new_root, proof) == expected
    if (proof, claimed_old, old_root, new_root) == (tree.consistency_proof(old), old,
                                                    tree.root(old), tree.root()):
        assert expected, "a true consistency proof is accepted"
