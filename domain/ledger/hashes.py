"""The two hashes of an RFC 6962 tree: SHA-256 with a one-byte prefix that tells a leaf
from an interior node, so that no leaf can pass for a subtree."""

from __future__ import annotations

from hashlib import sha256

EMPTY_ROOT = sha256(b"").digest()
"""The root of the tree with no leaves."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the hash of one log entry."""
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node."""
    return sha256(b"\x01" + left + right).digest()
