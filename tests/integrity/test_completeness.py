"""A patient's entries are proven complete against the patients' tree a checkpoint carries:
leaving any one out, adding one or reordering them breaks the proof."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from domain.ledger import leaf_hash
from domain.ledger.completeness import PatientChain, PatientTree

PATIENTS = [uuid.UUID(int=i * 7919 + 1) for i in range(6)]


@st.composite
def histories(draw):
    """A log: which patient each entry belongs to, and each entry's leaf hash."""
    owners = draw(st.lists(st.sampled_from(PATIENTS), min_size=1, max_size=40))
    return [(owner, leaf_hash(b"entry %d" % i)) for i, owner in enumerate(owners)]


def chains_of(history) -> dict:
    chains: dict = {}
    for owner, leaf in history:
        chains[owner] = chains.get(owner, PatientChain()).then(leaf)
    return chains


def leaves_of(history, patient) -> list[bytes]:
    return [leaf for owner, leaf in history if owner == patient]


@given(histories())
def test_every_patients_whole_history_is_proven_complete(history):
    tree = PatientTree(chains_of(history))

    for patient in {owner for owner, _ in history}:
        chain = PatientChain.of(leaves_of(history, patient))
        assert tree.proof(patient).holds(patient, chain, tree.root)


@given(histories(), st.data())
def test_an_export_missing_any_one_entry_is_not_complete(history, data):
    tree = PatientTree(chains_of(history))
    patient = data.draw(st.sampled_from(sorted({owner for owner, _ in history})))
    leaves = leaves_of(history, patient)
    left_out = data.draw(st.integers(0, len(leaves) - 1))

    shown = leaves[:left_out] + leaves[left_out + 1:]

    assert not tree.proof(patient).holds(patient, PatientChain.of(shown), tree.root)


@given(histories(), st.data())
def test_an_export_with_entries_swapped_or_added_is_not_complete(history, data):
    tree = PatientTree(chains_of(history))
    patient = data.draw(st.sampled_from(sorted({owner for owner, _ in history})))
    leaves = leaves_of(history, patient)
    doctored = ([*leaves, leaf_hash(b"added")] if len(leaves) < 2
                else [leaves[1], leaves[0], *leaves[2:]])

    assert not tree.proof(patient).holds(patient, PatientChain.of(doctored), tree.root)


def test_another_patients_proof_does_not_prove_this_patient():
    history = [(PATIENTS[0], leaf_hash(b"a")), (PATIENTS[1], leaf_hash(b"b"))]
    tree = PatientTree(chains_of(history))
    chain = PatientChain.of([leaf_hash(b"b")])

    assert not tree.proof(PATIENTS[1]).holds(PATIENTS[0], chain, tree.root)
