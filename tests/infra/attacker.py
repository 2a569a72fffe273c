"""What a thief does with copied database files and no key file: pull every stored value,
take every blob (or base64 or hex text) of 16, 24 or 32 bytes as an AES key, and try it on
every sealed value, with each id of the same row (or nothing) as associated data."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.key_encryption import WRAPPING

BASE64 = re.compile(rb"[A-Za-z0-9+/]{20,}={0,2}")
HEX = re.compile(rb"(?<![0-9a-fA-F])[0-9a-fA-F]{32,64}(?![0-9a-fA-F])")
UUID_TEXT = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
KEY_SIZES = (16, 24, 32)


def as_bytes(value) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8", "surrogatepass") if value is not None else b""


def decoded(raw: bytes) -> Iterator[bytes]:
    """Every base64 or hex run in a value, decoded."""
    for run in BASE64.findall(raw):
        try:
            yield base64.b64decode(run + b"=" * (-len(run) % 4))
        except (binascii.Error, ValueError):
            continue
    for run in HEX.findall(raw):
        if len(run) % 2 == 0:
            yield bytes.fromhex(run.decode())


def loot(rows: Iterable[tuple]) -> tuple[set[bytes], list[tuple[bytes, set[bytes | None]]]]:
    """Candidate keys, and sealed values each with the associated data worth trying."""
    keys: set[bytes] = set()
    sealed: list[tuple[bytes, set[bytes | None]]] = []
    for row in rows:
        values = [as_bytes(v) for v in row]
        ids = {UUID(m.decode()).bytes for v in values for m in UUID_TEXT.findall(v)}
        ids |= {v for v in values if len(v) == 16}
        aads = {None, *ids, *(WRAPPING + i for i in ids)}
        for value in values:
            found = [value, *decoded(value)]
            keys |= {f for f in found if len(f) in KEY_SIZES}
            sealed += [(f, aads) for f in found if len(f) > 28]
    return keys, sealed


def opened(keys: set[bytes], sealed: list[tuple[bytes, set[bytes | None]]]) -> list[bytes]:
    """Whatever the candidate keys decrypt."""
    tries: dict[bytes, set[bytes | None]] = {}
    for value, aads in sealed:
        tries.setdefault(value, set()).update(aads)
    plain = []
    for key in keys:
        cipher = AESGCM(key)
        for value, aad in ((value, aad) for value, aads in tries.items() for aad in aads):
            try:
                plain.append(cipher.decrypt(value[:12], value[12:], aad))
            except InvalidTag:
                continue
    return plain
