"""Which keys a process holds, from the settings: the key-encryption keys (the ring the
vault opens patient keys with) and the directory's blind-index key.

A key that is missing while the store says it was used is refused before anything is
written (KeyMissingError); a missing key the store never used is made (a 0600 file under
var_dir), as on a first start.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from infra.database import Database
from infra.key_encryption import KeyRing, LocalKeyEncryptionKey
from infra.key_files import KeyMissingError, KeySource, decode_key, key_id
from infra.key_vault import SqlKeyVault
from infra.settings import Settings


def kek_source(settings: Settings) -> KeySource:
    path = settings.key_encryption_key_path or settings.var_dir / "key-encryption.key"
    return KeySource("key-encryption key", path, "MESOLEDGER_KEY_ENCRYPTION_KEY",
                     settings.key_encryption_key)


def index_key_source(settings: Settings) -> KeySource:
    path = settings.index_key_path or settings.var_dir / "directory-index.key"
    return KeySource("directory's index key", path, "MESOLEDGER_INDEX_KEY", settings.index_key)


def beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def previous_keks(settings: Settings) -> list[LocalKeyEncryptionKey]:
    """The KEK a rotation is moving away from: an environment secret, or the `.previous`
    file a `keys rotate` keeps beside the current one until it is done."""
    if settings.previous_key_encryption_key:
        return [LocalKeyEncryptionKey(decode_key(settings.previous_key_encryption_key,
                                                 "MESOLEDGER_PREVIOUS_KEY_ENCRYPTION_KEY"))]
    previous = KeySource("previous key-encryption key", beside(kek_source(settings).path,
                                                               ".previous"), "", None)
    secret = None if settings.key_encryption_key else previous.read()
    return [] if secret is None else [LocalKeyEncryptionKey(secret)]


def key_ring(settings: Settings, in_use: frozenset[str]) -> KeyRing:
    """The KEKs this process holds; refused if a stored key is wrapped under another."""
    source = kek_source(settings)
    secret = source.read()
    if secret is None:
        if in_use:
            raise source.missing("the stored patient keys are wrapped under it")
        secret = source.create()
    ring = KeyRing(LocalKeyEncryptionKey(secret), previous_keks(settings))
    if in_use - ring.key_ids:
        raise source.missing(f"patient keys are wrapped under key-encryption key(s)"
                             f" {', '.join(sorted(in_use - ring.key_ids))}, and {source.path}"
                             f" holds {ring.current.key_id}")
    return ring


def open_key_vault(settings: Settings) -> SqlKeyVault:
    """The vault on its own database (MESOLEDGER_KEY_VAULT_URL, else the event store's),
    opened with the ring of KEKs this process holds."""
    database = Database(settings.key_vault_url or settings.database_url)
    return SqlKeyVault(database, lambda in_use: key_ring(settings, in_use))


class IndexKey:
    """The blind index's keyed hash: HMAC-SHA256 of a word, first 16 bytes, in hex."""

    def __init__(self, secret: bytes) -> None:
        self.key_id = key_id(secret, "index key")
        self._secret = secret

    def __call__(self, word: str) -> str:
        return hmac.digest(self._secret, word.encode(), hashlib.sha256)[:16].hex()


def index_key(settings: Settings, recorded_id: str | None) -> IndexKey:
    """The directory's index key; refused if the directory was indexed under another."""
    source = index_key_source(settings)
    secret = source.read()
    if secret is None:
        if recorded_id:
            raise source.missing(f"the patient directory is indexed under index key"
                                 f" {recorded_id}")
        secret = source.create()
    key = IndexKey(secret)
    if recorded_id and recorded_id != key.key_id:
        raise KeyMissingError(
            f"the patient directory is indexed under index key {recorded_id}, and"
            f" {source.path} holds {key.key_id}: restore the key it was made with; nothing"
            " was written. If that key is lost for good, drop the table"
            " directory_search_key and run `mesoledger projections rebuild"
            " patient_directory` to index the directory under this one.")
    return key

