"""`mesoledger keys rotate`: every patient key rewrapped under a new key-encryption key,
without touching an event (every hash, proof and earlier export stays valid).

With the KEK in a file, the new key is made beside it (`.next`), the current one kept as
`.previous` (it only unwraps), the new one put in its place, then the keys are rewrapped in
batches, each its own transaction; the previous key is deleted once none is wrapped under
it. Every step can be interrupted: a rerun picks up where it stopped, and meanwhile every
key still opens. With the KEK in an environment secret, the operator sets the new one as
MESOLEDGER_KEY_ENCRYPTION_KEY and the old as MESOLEDGER_PREVIOUS_KEY_ENCRYPTION_KEY, and the
rotation rewraps.

Stop servers and workers first: a process started before the rotation holds only the old
key, and would wrap new patients' keys under it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from infra.key_files import KEY_BYTES, KeyMissingError, write_key_file
from infra.keys import beside, kek_source, open_key_vault
from infra.settings import Settings

BATCH = 500


@dataclass(frozen=True)
class Rotation:
    """What a rotation did: how many keys it rewrapped, and the KEK they are all under."""

    rewrapped: int
    key_id: str


def rotate(settings: Settings, batch: int = BATCH,
           after_batch: Callable[[int], None] | None = None) -> Rotation:
    """Rewrap every patient key under a new KEK (see the module's docstring);
    `after_batch` hears how many are rewrapped so far after each committed batch."""
    path = None if settings.key_encryption_key else kek_source(settings).path
    if path is not None:
        _new_key_in_place(path)
    vault = open_key_vault(settings)
    try:
        rewrapped = 0
        while done := vault.rewrap_batch(batch):
            rewrapped += done
            if after_batch is not None:
                after_batch(rewrapped)
        left = vault.kek_ids_in_use() - {vault.ring.current.key_id}
        assert not left, f"keys still wrapped under {sorted(left)}"
        rotation = Rotation(rewrapped, vault.ring.current.key_id)
    finally:
        vault.close()
    if path is not None:
        beside(path, ".previous").unlink(missing_ok=True)
    return rotation


def _new_key_in_place(current: Path) -> None:
    """Make the new KEK (`.next`), keep the current one as `.previous`, then put the new
    one in place; each step atomic, and each skipped when a rerun finds it done."""
    following, previous = beside(current, ".next"), beside(current, ".previous")
    if not previous.exists():
        if not current.exists():
            raise KeyMissingError(f"no key-encryption key at {current} to rotate from;"
                                  " nothing was written")
        write_key_file(following, os.urandom(KEY_BYTES))
        os.link(current, previous)
    if following.exists():
        os.replace(following, current)
