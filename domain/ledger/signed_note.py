"""Signed notes (c2sp.org/signed-note) and witness cosignatures (c2sp.org/tlog-cosignature).

A note is text ending in a newline, a blank line, then one signature line per key:
`— <key name> base64(key id || signature)`. A key is known by its name and a four-byte id
derived from its name, its type and its public key, so a signature from an unknown key is
ignored rather than mistaken for a known one. Two types are used here: Ed25519 (0x01) for
the log's own checkpoints, and timestamped Ed25519 cosignatures (0x04) for witnesses, whose
signed message also carries the time they cosigned.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
COSIGNATURE = 0x04
DASH = "\u2014 "
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A note that is not well formed, or whose signatures do not verify."""


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, kind: int, public_key: Ed25519PublicKey) -> bytes:
    """SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + _raw(public_key)).digest()[:4]


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"key name {name!r} is empty or holds a space or '+'")
    return name


@dataclass(frozen=True)
class NoteVerifier:
    """A public key that may sign notes, under its name: a log key or a witness key."""

    name: str
    public_key: Ed25519PublicKey
    kind: int = ED25519

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.kind not in (ED25519, COSIGNATURE):
            raise NoteError(f"unsupported signature type {self.kind:#04x}")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.kind, self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key as text: `name+hex(key id)+base64(type || public key)`."""
        material = base64.b64encode(bytes([self.kind]) + _raw(self.public_key)).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        try:
            name, id_hex, material = vkey.strip().split("+", 2)
            raw = base64.b64decode(material, validate=True)
            verifier = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]), raw[0])
        except (ValueError, IndexError, binascii.Error) as error:
            raise NoteError(f"not a verifier key: {vkey!r}") from error
        if verifier.key_id.hex() != id_hex:
            raise NoteError(f"verifier key {name}: its id does not match its key")
        return verifier

    def opens(self, text: str, signature: bytes) -> int | None:
        """Whether `signature` (without the key id) signs `text`: for a cosignature, the
        time it was made (POSIX seconds); for a plain signature, 0. None when it fails."""
        message, timestamp = text.encode(), 0
        if self.kind == COSIGNATURE:
            if len(signature) != 72:
                return None
            (timestamp,), signature = struct.unpack(">Q", signature[:8]), signature[8:]
            message = cosigned_message(text, timestamp)
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return None
        return timestamp


@dataclass(frozen=True)
class NoteSigner:
    """A private key that signs notes under a name (type as for its verifier)."""

    name: str
    private_key: Ed25519PrivateKey
    kind: int = ED25519

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.private_key.public_key(), self.kind)

    def signature_line(self, text: str, timestamp: int = 0) -> str:
        """`— name base64(id || signature)`; a cosignature signs `timestamp` with the text."""
        _check_text(text)
        if self.kind == COSIGNATURE:
            body = struct.pack(">Q", timestamp) + self.private_key.sign(
                cosigned_message(text, timestamp))
        else:
            body = self.private_key.sign(text.encode())
        blob = base64.b64encode(self.verifier.key_id + body).decode()
        return f"{DASH}{self.name} {blob}\n"

    def sign(self, text: str, timestamp: int = 0) -> str:
        """The whole signed note: the text, a blank line, this key's signature line."""
        return f"{text}\n{self.signature_line(text, timestamp)}"


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What an Ed25519 witness signs: a header, the time, then the checkpoint's text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: bytes
    signature: bytes

    @classmethod
    def parse(cls, line: str) -> SignatureLine:
        if not line.startswith(DASH):
            raise NoteError(f"not a signature line: {line!r}")
        name, _, blob = line[len(DASH):].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as error:
            raise NoteError(f"signature of {name!r} is not base64") from error
        if len(raw) < 5 or " " in blob:
            raise NoteError(f"signature of {name!r} is too short")
        return cls(_check_name(name), raw[:4], raw[4:])


def _check_text(text: str) -> None:
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text must end in a newline and hold no control characters")


def split_note(note: str) -> tuple[str, list[SignatureLine]]:
    """The text and the signature lines of a note (neither checked against any key)."""
    text, blank, signatures = note.rpartition("\n\n")
    if not blank or not signatures.endswith("\n"):
        raise NoteError("a note is text, a blank line, and signature lines")
    text += "\n"
    _check_text(text)
    lines = signatures.splitlines()
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError("a note has 1 to 100 signatures")
    return text, [SignatureLine.parse(line) for line in lines]


def verified_signers(note: str, verifiers: list[NoteVerifier], *, require_one: bool = True
                     ) -> tuple[str, dict[str, int]]:
    """The note's text and, for each known key that signed it, the time it says it signed
    (0 for plain signatures). Unknown keys are ignored; a known key whose signature fails
    makes the whole note fail, and so does a note no known key signed (`require_one`)."""
    text, lines = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    signed: dict[str, int] = {}
    for line in lines:
        verifier = known.get((line.name, line.key_id))
        if verifier is None:
            continue
        timestamp = verifier.opens(text, line.signature)
        if timestamp is None:
            raise NoteError(f"the signature of {line.name} does not verify")
        signed[verifier.vkey] = timestamp
    if not signed and require_one:
        raise NoteError("no known key signed this note")
    return text, signed
