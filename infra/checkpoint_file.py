"""Checkpoints kept outside the database: one file beside the signing key, appended to and
never rewritten, so an insider who can write every table still cannot make the log forget
what it once signed (DESIGN §5.1). Each line is one signed note (JSON-quoted); a
checkpoint's cosignatures arrive later as another line with the same text, and a reader
takes the union of their signature lines."""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from domain.ledger.checkpoint_text import CheckpointText
from domain.ledger.signed_note import NoteError, split_note


@dataclass(frozen=True)
class HeldCheckpoint:
    """A checkpoint as the file holds it: its text and every signature line seen for it."""

    checkpoint: CheckpointText
    signatures: tuple[str, ...]

    @property
    def note(self) -> str:
        return f"{self.checkpoint.text}\n{''.join(self.signatures)}"


class CheckpointFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, note: str) -> None:
        """Add a signed note, on disk before this returns; safe across processes."""
        split_note(note)  # never write what cannot be read back
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            out.write(json.dumps(note) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def held(self) -> list[HeldCheckpoint]:
        """Every checkpoint in the file, by size (NoteError naming the line of a damaged
        one: a file that cannot be read is not evidence of anything)."""
        by_text: dict[str, list[str]] = {}
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        for number, line in enumerate(lines, 1):
            try:
                text, signatures = _signature_lines(json.loads(line))
            except (ValueError, NoteError) as error:
                raise NoteError(f"{self.path} line {number}: {error}") from None
            known = by_text.setdefault(text, [])
            known += [s for s in signatures if s not in known]
        held = [HeldCheckpoint(CheckpointText.parse(text), tuple(signatures))
                for text, signatures in by_text.items()]
        return sorted(held, key=lambda h: h.checkpoint.size)

    def latest(self) -> HeldCheckpoint | None:
        held = self.held()
        return held[-1] if held else None


def _signature_lines(note: str) -> tuple[str, list[str]]:
    text, lines = split_note(note)
    return text, note[len(text) + 1:].splitlines(keepends=True)
