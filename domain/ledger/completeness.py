"""Proof that an export leaves nothing of a patient out.

Each patient's entries (their own record's and every course's), in log order, are chained:
`digest = SHA-256(digest || leaf hash)` from 32 zero bytes, with a count. At a checkpoint,
every patient's (count, digest) becomes one leaf of a Merkle tree sorted by patient id, and
the root of that tree rides in the checkpoint as an extension line, under the log's
signature and the witnesses' cosignatures. An export carries the patient's leaf index and
its inclusion proof: a verifier re-chains the exported entries' leaf hashes, and any entry
left out, added or reordered gives another count or digest, so the proof fails.

Cost: one SHA-256 of 64 bytes per stored event; per checkpoint, one hash per patient whose
chain moved and one per node of the patients' tree (about one per patient).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from hashlib import sha256
from uuid import UUID

from domain.ledger import AppendOnlyTree, leaf_hash, verify_inclusion

EXTENSION = "mesoledger-patients"
CHAIN_START = bytes(32)


@dataclass(frozen=True)
class PatientChain:
    """How many entries a patient has in the log so far, and the digest of their leaves."""

    entries: int = 0
    digest: bytes = CHAIN_START

    def then(self, leaf: bytes) -> PatientChain:
        """The chain with one more entry (its leaf hash) at its end."""
        return PatientChain(self.entries + 1, sha256(self.digest + leaf).digest())

    @classmethod
    def of(cls, leaves: Iterable[bytes]) -> PatientChain:
        chain = cls()
        for leaf in leaves:
            chain = chain.then(leaf)
        return chain

    def leaf(self, patient_id: UUID) -> bytes:
        """This chain's leaf in the patients' tree: the patient, the count, the digest."""
        return leaf_hash(b"patient\x00" + patient_id.bytes + self.entries.to_bytes(8, "big")
                         + self.digest)


@dataclass(frozen=True)
class PatientProof:
    """Where the patient's chain stands in the patients' tree, and the path to its root."""

    index: int
    patients: int
    path: tuple[bytes, ...]

    def holds(self, patient_id: UUID, chain: PatientChain, root: bytes) -> bool:
        return verify_inclusion(chain.leaf(patient_id), self.index, self.patients,
                                list(self.path), root)


class PatientTree:
    """Every patient's chain at one log size, as a Merkle tree sorted by patient id."""

    def __init__(self, chains: Mapping[UUID, PatientChain]) -> None:
        self._build({patient: chain.leaf(patient) for patient, chain in chains.items()})

    @classmethod
    def of_leaves(cls, leaves: Mapping[UUID, bytes]) -> PatientTree:
        """The tree from each patient's chain leaf, already computed (a caller that keeps
        them between checkpoints recomputes only the chains that moved)."""
        tree = cls.__new__(cls)
        tree._build(leaves)
        return tree

    def _build(self, leaves: Mapping[UUID, bytes]) -> None:
        self.order = sorted(leaves, key=_as_int)
        self.index = {patient: i for i, patient in enumerate(self.order)}
        self.tree = AppendOnlyTree([leaves[patient] for patient in self.order])

    @property
    def root(self) -> bytes:
        return self.tree.root()

    def proof(self, patient_id: UUID) -> PatientProof:
        """KeyError for a patient with no entry at this size."""
        index = self.index[patient_id]
        return PatientProof(index, len(self.order), tuple(self.tree.inclusion_proof(index)))


def _as_int(patient_id: UUID) -> int:
    return patient_id.int  # the same order as UUIDs compare, several times faster to sort
