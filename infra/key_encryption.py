"""Envelope encryption: each patient's data key is stored wrapped under a key-encryption key
(KEK) that never enters a database.

`KeyEncryptionKey` is the whole interface a cloud KMS would implement (its key id, wrap and
unwrap); `LocalKeyEncryptionKey` is the one kept in a file or an environment secret. A
`KeyRing` holds the current KEK, which wraps new keys, and during a rotation the previous
one, which only unwraps.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.key_files import key_id

WRAPPING = b"mesoledger patient data key\0"
"""Associated data of every wrap, with the patient id: a wrapped key moved to another
patient's row, or taken for another purpose, does not unwrap."""


class KeyNotHeldError(Exception):
    """A patient key is wrapped under a key-encryption key this process does not hold, or
    does not unwrap with it."""


class KeyEncryptionKey(Protocol):
    """Wraps and unwraps patient data keys; the key itself never leaves it."""

    key_id: str

    def wrap(self, data_key: bytes, patient_id: UUID) -> bytes: ...

    def unwrap(self, wrapped: bytes, patient_id: UUID) -> bytes: ...


class LocalKeyEncryptionKey:
    """A 256-bit KEK held in this process: AES-256-GCM key wrap, the patient id bound in."""

    def __init__(self, secret: bytes) -> None:
        self.key_id = key_id(secret, "key-encryption key")
        self._aead = AESGCM(secret)

    def wrap(self, data_key: bytes, patient_id: UUID) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data_key, WRAPPING + patient_id.bytes)

    def unwrap(self, wrapped: bytes, patient_id: UUID) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:12], wrapped[12:], WRAPPING + patient_id.bytes)
        except InvalidTag:
            raise KeyNotHeldError(f"patient {patient_id}'s key does not unwrap with"
                                  f" key-encryption key {self.key_id}") from None


class KeyRing:
    """The current KEK (wraps and unwraps) and any earlier ones still unwrapping."""

    def __init__(self, current: KeyEncryptionKey,
                 earlier: Iterable[KeyEncryptionKey] = ()) -> None:
        self.current = current
        self._by_id = {k.key_id: k for k in (*earlier, current)}

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._by_id)

    def wrap(self, data_key: bytes, patient_id: UUID) -> tuple[str, bytes]:
        """The current KEK's id and the wrapped key."""
        return self.current.key_id, self.current.wrap(data_key, patient_id)

    def unwrap(self, kek_id: str, wrapped: bytes, patient_id: UUID) -> bytes:
        kek = self._by_id.get(kek_id)
        if kek is None:
            raise KeyNotHeldError(f"patient {patient_id}'s key is wrapped under"
                                  f" key-encryption key {kek_id}, which this process does"
                                  " not hold")
        return kek.unwrap(wrapped, patient_id)
