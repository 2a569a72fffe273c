"""Checkpoints kept outside the database: one file beside the signing key, appended to and
never rewritten, so an insider who can write every table still cannot make the log forget
what it once signed (DESIGN §5.1). Each line is one signed note (JSON-quoted); a
checkpoint's cosignatures arrive later as another line with the same text, and a reader
takes the union of their signature lines. Several processes may append to one file."""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from domain.ledger.checkpoint_text import CheckpointText
from domain.ledger.signed_note import NoteError, NoteVerifier, split_note, verified_signers


@dataclass(frozen=True)
class HeldCheckpoint:
    """A checkpoint as the file holds it: its text and every signature line seen for it."""

    checkpoint: CheckpointText
    signatures: tuple[str, ...]

    @property
    def note(self) -> str:
        return f"{self.checkpoint.text}\n{''.join(self.signatures)}"

    def signed_by(self, verifier: NoteVerifier) -> int | None:
        """When `verifier`'s key signed it (0 for a plain signature), or None if it did
        not, or its signature fails."""
        try:
            return self.signatures_by([verifier]).get(verifier.vkey)
        except NoteError:
            return None

    def signatures_by(self, verifiers: list[NoteVerifier]) -> dict[str, int]:
        """Which of these keys signed it, and when (NoteError if one's signature fails)."""
        return verified_signers(self.note, verifiers, require_one=False)[1]


class CheckpointFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._read_to = self._lines_read = 0
        self._by_text: dict[str, list[str]] = {}

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
        self._read_new_lines()
        held = [HeldCheckpoint(CheckpointText.parse(text), tuple(signatures))
                for text, signatures in self._by_text.items()]
        return sorted(held, key=lambda h: h.checkpoint.size)

    def at_size(self, size: int) -> HeldCheckpoint | None:
        return next((h for h in self.held() if h.checkpoint.size == size), None)

    def latest(self) -> HeldCheckpoint | None:
        held = self.held()
        return held[-1] if held else None

    def _read_new_lines(self) -> None:
        """Take in what was appended since the last read (by any process)."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as lines:
            if os.fstat(lines.fileno()).st_size < self._read_to:  # replaced: read it anew
                self._read_to = self._lines_read = 0
                self._by_text = {}
            lines.seek(self._read_to)
            new = lines.read()
        complete = new[:new.rfind(b"\n") + 1]  # a line being appended is taken next time
        for number, line in enumerate(complete.decode().splitlines(), self._lines_read + 1):
            try:
                text, signatures = _signature_lines(json.loads(line))
            except (ValueError, NoteError) as error:
                raise NoteError(f"{self.path} line {number}: {error}") from None
            known = self._by_text.setdefault(text, [])
            known += [s for s in signatures if s not in known]
            self._lines_read = number
        self._read_to += len(complete)


def _signature_lines(note: str) -> tuple[str, list[str]]:
    text, _ = split_note(note)
    return text, note[len(text) + 1:].splitlines(keepends=True)
