"""Secrets kept outside every database: a file (created 0600 on first use) or an environment
secret, each a base64 line of 32 random bytes.

The key-encryption key, the directory's index key and the checkpoint signing key are such
secrets; a clinic backs them up apart from the database (see the README).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32


class KeyMissingError(Exception):
    """A key the store was protected with is not where the settings say; nothing was
    written. The message says which key, where it was looked for and what to do."""


def key_id(secret: bytes, purpose: str) -> str:
    """A short public name for a key (a one-way digest: it tells nothing of the key)."""
    return hashlib.sha256(f"mesoledger {purpose} id\0".encode() + secret).hexdigest()[:16]


def decode_key(text: str, where: str) -> bytes:
    """32 bytes from a base64 line; KeyMissingError naming `where` if it is not one."""
    try:
        secret = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise KeyMissingError(f"{where} does not hold a base64 key of {KEY_BYTES} bytes")
    return secret


@dataclass(frozen=True)
class KeySource:
    """Where one secret comes from: an environment value (wins when set) or a file."""

    name: str           # what the key is, in the words of the refusal messages
    path: Path
    env_name: str
    env_value: str | None = None

    def read(self) -> bytes | None:
        """The key, or None when neither the environment nor the file holds it."""
        if self.env_value:
            return decode_key(self.env_value, self.env_name)
        if not self.path.exists():
            return None
        return decode_key(self.path.read_text(encoding="ascii"), str(self.path))

    def create(self) -> bytes:
        """Make the key file (0600) with a new random key; if another process made it
        first, read that one."""
        if self.env_value:
            return self.read()  # type: ignore[return-value]
        secret = os.urandom(KEY_BYTES)
        write_key_file(self.path, secret)
        return self.read()  # type: ignore[return-value]

    def missing(self, why: str) -> KeyMissingError:
        return KeyMissingError(
            f"the {self.name} is missing: {why}. Restore {self.path} from the clinic's key"
            f" backup (or set {self.env_name}); nothing was written.")


def write_key_file(path: Path, secret: bytes) -> None:
    """Write a key file readable by its owner only, whole or not at all (written aside, then
    linked into place); never overwrite an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    handle = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(base64.b64encode(secret).decode() + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(aside, path)
    except FileExistsError:
        pass  # another process made it first: theirs is the key
    finally:
        aside.unlink(missing_ok=True)
