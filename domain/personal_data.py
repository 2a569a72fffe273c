"""Personal data (name, date of birth, sex, contact), sealed under the patient's own key.

Events hold only the sealed form. Destroying the key in the vault erases the person while
every stored byte, hash and proof stays as it was.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import InvalidEntry, RuleViolation
from domain.values import require_date, require_member, require_text
from domain.vocabulary import SEXES

ERASED = "[erased]"


class PersonalDataErasedError(RuleViolation):
    """The patient's personal data was erased; it cannot be read or used any more."""

    rule = "personal_data_erased"


@dataclass(frozen=True)
class PersonalData:
    name: str
    date_of_birth: date
    sex: str
    contact: str = ""

    def __post_init__(self) -> None:
        require_text("name", self.name, max_length=200)
        require_date("date_of_birth", self.date_of_birth)
        require_member("sex", self.sex, SEXES)
        if not isinstance(self.contact, str) or len(self.contact) > 500:
            raise InvalidEntry("contact", "must be text of at most 500 characters")

    def to_json(self) -> bytes:
        return json.dumps({
            "name": self.name, "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex, "contact": self.contact,
        }).encode()

    @classmethod
    def from_json(cls, data: bytes) -> PersonalData:
        fields = json.loads(data)
        fields["date_of_birth"] = date.fromisoformat(fields["date_of_birth"])
        return cls(**fields)


class KeyVault(Protocol):
    """Holds one data key per patient, outside the event store (and, wrapped under a
    key-encryption key, outside any database in clear: infra/key_vault.py)."""

    def create_key(self, patient_id: UUID) -> bytes: ...

    def key_for(self, patient_id: UUID) -> bytes | None:
        """The patient's key, or None once it has been destroyed."""

    def keys_for(self, patient_ids: Iterable[UUID]) -> dict[UUID, bytes]:
        """The keys of these patients that have not been destroyed."""

    def destroy_key(self, patient_id: UUID) -> None: ...

    def close(self) -> None: ...


def seal(key: bytes | None, patient_id: UUID, data: PersonalData) -> str:
    """AES-256-GCM with the patient id as associated data; base64 of nonce + ciphertext."""
    _require_key(key)
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, data.to_json(), patient_id.bytes)
    return base64.b64encode(sealed).decode()


def unseal(key: bytes | None, patient_id: UUID, sealed: str) -> PersonalData:
    _require_key(key)
    raw = base64.b64decode(sealed)
    try:
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], patient_id.bytes)
    except InvalidTag:
        raise PersonalDataErasedError("the sealed data does not open with the key") from None
    return PersonalData.from_json(plain)


def _require_key(key: bytes | None) -> None:
    if key is None:
        raise PersonalDataErasedError("the patient's key has been destroyed")
