"""Signed checkpoints of the Merkle log, and `verify`: recompute everything from the store.

The Ed25519 signing key lives in a file outside the database (a dev key is made on first
use). `verify` streams every stored event, recomputes its leaf, compares it with the leaf
the log recorded, checks each signed checkpoint's signature and root, and names the first
log position that differs: a changed byte, a deleted, inserted or reordered row all fail.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.ledger import EMPTY_ROOT, node_hash
from infra.runner import CatchUpRunner
from projections.merkle_log import MerkleLog

CHECKPOINTS = ("CREATE TABLE IF NOT EXISTS checkpoints (size BIGINT PRIMARY KEY,"
               " root TEXT NOT NULL, signed_at TEXT NOT NULL, signature TEXT NOT NULL)")


@dataclass(frozen=True)
class Checkpoint:
    size: int
    root: str
    signed_at: str
    signature: str

    def message(self) -> bytes:
        return f"mesoledger checkpoint\n{self.size}\n{self.root}\n{self.signed_at}\n".encode()

    def signed_by(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(base64.b64decode(self.signature), self.message())
            return True
        except (InvalidSignature, ValueError):
            return False


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


class Integrity:
    """Checkpoints over the merkle_log view, and verification against the event store."""

    def __init__(self, runner: CatchUpRunner, signing_key: Ed25519PrivateKey) -> None:
        self.runner = runner
        self.key = signing_key
        self.log = MerkleLog()
        with runner.views.transaction() as tx:
            tx.execute(CHECKPOINTS)

    def checkpoint(self) -> Checkpoint:
        """Sign the tree as it stands after catching up (reusing the last one if unchanged)."""
        self.runner.catch_up()
        return self.sign()

    def sign(self) -> Checkpoint:
        """Sign the tree the Merkle log holds now (reusing the last one if unchanged)."""
        with self.runner.views.transaction() as tx:
            size = self.log.size(tx)
            latest = self.latest(tx)
            if latest and latest.size == size:
                return latest
            unsigned = Checkpoint(size, self.log.root(tx, size).hex(),
                                  datetime.now(UTC).isoformat(), "")
            signature = base64.b64encode(self.key.sign(unsigned.message())).decode()
            signed = Checkpoint(size, unsigned.root, unsigned.signed_at, signature)
            tx.execute("INSERT INTO checkpoints (size, root, signed_at, signature)"
                       " VALUES (?, ?, ?, ?)", (size, signed.root, signed.signed_at, signature))
            return signed

    @staticmethod
    def latest(tx) -> Checkpoint | None:
        row = tx.one("SELECT size, root, signed_at, signature FROM checkpoints"
                     " ORDER BY size DESC LIMIT 1")
        return Checkpoint(*row) if row else None

    @staticmethod
    def signed_at_size(tx, size: int) -> Checkpoint | None:
        """The checkpoint signed over the tree of `size` leaves, if one was."""
        row = tx.one("SELECT size, root, signed_at, signature FROM checkpoints WHERE size = ?",
                     (size,))
        return Checkpoint(*row) if row else None

    @staticmethod
    def all_checkpoints(tx) -> list[Checkpoint]:
        rows = tx.rows("SELECT size, root, signed_at, signature FROM checkpoints ORDER BY size")
        return [Checkpoint(*row) for row in rows]


class Frontier:
    """The right edge of a growing RFC 6962 tree: O(log n) hashes give the root at any size."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []  # (height, hash), heights strictly falling

    def append(self, leaf: bytes) -> None:
        height, value = 0, leaf
        while self.stack and self.stack[-1][0] == height:
            value = node_hash(self.stack.pop()[1], value)
            height += 1
        self.stack.append((height, value))

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        value = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            value = node_hash(left, value)
        return value
