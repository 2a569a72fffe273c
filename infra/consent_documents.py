"""Signed consent forms, kept as uploaded: content-addressed by their SHA-256 (the hash the
ConsentGiven event records) and sealed under the patient's own key, so a copy of the folder
shows nothing, and destroying the key (erasure) makes the forms unreadable too.

One file per patient and document under `var_dir/consent-documents/`; the media type is
sealed with the bytes. The patient's id is the associated data, so a sealed form moved to
another patient's name does not open.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.personal_data import KeyVault

MEDIA_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
LARGEST = 10 * 1024 * 1024


class DocumentRefusedError(ValueError):
    """Not a kept kind of document, empty, or too large."""


class DocumentNotFoundError(LookupError):
    """No such document for this patient (or its key was destroyed)."""


@dataclass(frozen=True)
class Document:
    sha256: str
    media_type: str
    content: bytes


class ConsentDocuments:
    def __init__(self, folder: Path, vault: KeyVault) -> None:
        self.folder, self.vault = folder, vault

    def keep(self, patient_id: UUID, media_type: str, content: bytes) -> str:
        """Seal and keep the form; its SHA-256 (hex), which the consent entry records."""
        if media_type not in MEDIA_TYPES:
            raise DocumentRefusedError("the signed form must be a PDF, PNG or JPEG")
        if not content or len(content) > LARGEST:
            raise DocumentRefusedError("the signed form must be between 1 byte and 10 MB")
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(patient_id, digest)
        if not path.exists():
            key = self._key(patient_id)
            nonce = os.urandom(12)
            header = json.dumps({"media_type": media_type}).encode() + b"\n"
            sealed = nonce + AESGCM(key).encrypt(nonce, header + content, patient_id.bytes)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_bytes(sealed)
            partial.replace(path)
        return digest

    def open(self, patient_id: UUID, sha256: str) -> Document:
        path = self._path(patient_id, sha256)
        if not path.exists():
            raise DocumentNotFoundError(sha256)
        raw = path.read_bytes()
        try:
            plain = AESGCM(self._key(patient_id)).decrypt(raw[:12], raw[12:], patient_id.bytes)
        except InvalidTag:  # changed, or another patient's form moved here
            raise DocumentNotFoundError(sha256) from None
        header, _, content = plain.partition(b"\n")
        if hashlib.sha256(content).hexdigest() != sha256:
            raise DocumentNotFoundError(sha256)
        return Document(sha256, json.loads(header)["media_type"], content)

    def _key(self, patient_id: UUID) -> bytes:
        key = self.vault.key_for(patient_id)
        if key is None:
            raise DocumentNotFoundError("the patient's key was destroyed")
        return key

    def _path(self, patient_id: UUID, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise DocumentNotFoundError(sha256)
        return self.folder / str(patient_id) / f"{sha256}.sealed"
