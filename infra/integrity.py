"""Signed checkpoints of the Merkle log (DESIGN §5.1), kept where the database's writers
cannot reach them.

A checkpoint is a C2SP signed note: origin, tree size, root, and an extension line with the
root of every patient's chain of entries (domain/ledger/completeness.py). It is signed with
the Ed25519 key kept in a file outside the database, appended to the checkpoint file beside
that key, and sent to the deployment's witnesses, whose cosignatures are appended too. The
checkpoints table of earlier versions is no longer written or trusted.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.ledger.checkpoint_text import CheckpointText
from domain.ledger.completeness import EXTENSION, PatientChain, PatientTree
from domain.ledger.signed_note import NoteSigner, NoteVerifier
from infra.checkpoint_file import CheckpointFile, HeldCheckpoint
from infra.runner import CatchUpRunner
from infra.settings import Settings
from infra.witness_client import WitnessAddress, WitnessAnswer, ask_to_cosign
from projections.merkle_log import MerkleLog
from projections.patient_chains import PatientChains


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The checkpoint key from its file; a development key is generated when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        path.touch(mode=0o600)
        path.write_bytes(pem)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_key_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def default_origin(key: Ed25519PrivateKey) -> str:
    """A deployment's origin when none is set: named after its key, so it never changes."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return f"mesoledger.local/{sha256(raw).hexdigest()[:16]}"


class ViewsDisagreeError(Exception):
    """The views' tree does not extend the newest checkpoint held (they are behind it, or
    were rebuilt from a changed store): the log never signs a fork, so nothing is signed."""


@dataclass(frozen=True)
class SignedTree:
    """A checkpoint as held outside the database, and every patient's chain at its size."""

    held: HeldCheckpoint
    patients: PatientTree

    @property
    def size(self) -> int:
        return self.held.checkpoint.size


class Integrity:
    """Checkpoints over the merkle_log and patient_chains views, kept in the checkpoint file
    and sent to the witnesses."""

    def __init__(self, runner: CatchUpRunner, signer: NoteSigner, checkpoints: CheckpointFile,
                 witnesses: Sequence[WitnessAddress] = ()) -> None:
        self.runner = runner
        self.signer = signer
        self.checkpoints = checkpoints
        self.witnesses = tuple(witnesses)
        self.log = MerkleLog()
        self._signing = threading.Lock()
        self._leaves: dict[UUID, tuple[PatientChain, bytes]] = {}  # as of the last signing
        self.last_answers: dict[str, WitnessAnswer] = {}

    @property
    def key(self) -> Ed25519PrivateKey:
        return self.signer.private_key

    @property
    def verifier(self) -> NoteVerifier:
        """The log's verifier key: what a regulator pins."""
        return self.signer.verifier

    def checkpoint(self) -> SignedTree:
        """Sign the tree as it stands after catching up (see `sign`)."""
        self.runner.catch_up()
        return self.sign()

    def sign(self) -> SignedTree:
        """Sign the tree the views hold now, unless the newest checkpoint already covers
        it; keep it in the checkpoint file; ask each witness that has not cosigned it."""
        with self._signing:
            size, root, chains = self._tree(self.checkpoints.latest())
            patients = self._patients(chains)
            text = CheckpointText(self.signer.name, size, root,
                                  (f"{EXTENSION} {base64.b64encode(patients.root).decode()}",))
            held = self.held_at(size)
            if held is None or held.checkpoint != text:
                self.checkpoints.append(self.signer.sign(text.text))
            return SignedTree(self._witnessed(text), patients)

    def held_at(self, size: int) -> HeldCheckpoint | None:
        """The checkpoint of `size` leaves in the checkpoint file, if one was signed."""
        return self.checkpoints.at_size(size)

    def latest(self) -> HeldCheckpoint | None:
        return self.checkpoints.latest()

    def _patients(self, chains: dict[UUID, PatientChain]) -> PatientTree:
        """The patients' tree, recomputing only the leaves of chains that moved."""
        for patient, chain in chains.items():
            known = self._leaves.get(patient)
            if known is None or known[0] != chain:
                self._leaves[patient] = (chain, chain.leaf(patient))
        return PatientTree.of_leaves({p: self._leaves[p][1] for p in chains})

    def _tree(self, latest: HeldCheckpoint | None
              ) -> tuple[int, bytes, dict[UUID, PatientChain]]:
        """Size, root and every patient's chain, read from one snapshot of the views, which
        must extend the newest checkpoint held (ViewsDisagreeError otherwise)."""
        with self.runner.views.transaction(write=False, snapshot=True) as tx:
            size = self.log.size(tx)
            if latest is not None:
                signed = latest.checkpoint
                if size < signed.size or self.log.root(tx, signed.size) != signed.root:
                    raise ViewsDisagreeError(
                        f"the views' tree of {size} leaves does not extend the checkpoint of"
                        f" size {signed.size}: run `mesoledger verify`")
            return size, self.log.root(tx, size), PatientChains.all(tx)

    def _witnessed(self, text: CheckpointText) -> HeldCheckpoint:
        """The checkpoint with every cosignature the witnesses give it."""
        for witness in self.witnesses:
            held = self.held_at(text.size)
            if held.signed_by(witness.verifier) is not None:
                continue
            answer = ask_to_cosign(witness, held.note, text.size, self._cosigned_size(witness),
                                   self._consistency_proof)
            self.last_answers[witness.verifier.vkey] = answer
            if answer.cosignature:
                self.checkpoints.append(held.note + answer.cosignature)
        return self.held_at(text.size)

    def _cosigned_size(self, witness: WitnessAddress) -> int:
        """The largest checkpoint this witness cosigned, as far as the file tells (0: none;
        a witness that holds another size says so, and is asked again from it)."""
        cosigned = (h.checkpoint.size for h in reversed(self.checkpoints.held())
                    if h.signed_by(witness.verifier) is not None)
        return next(cosigned, 0)

    def _consistency_proof(self, old: int, new: int) -> list[bytes]:
        with self.runner.views.transaction(write=False) as tx:
            return self.log.consistency_proof(tx, old, new)


def open_integrity(runner: CatchUpRunner, settings: Settings) -> Integrity:
    """Integrity as the settings name it: the signing key, the log's origin, the checkpoint
    file (beside the key unless set) and the witnesses."""
    key = load_signing_key(settings.signing_key_path)
    path = settings.checkpoint_file or settings.signing_key_path.parent / "checkpoints.ndjson"
    return Integrity(runner, NoteSigner(settings.log_origin or default_origin(key), key),
                     CheckpointFile(path), [WitnessAddress.parse(w) for w in settings.witnesses])
