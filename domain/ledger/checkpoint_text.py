"""The text of a checkpoint (c2sp.org/tlog-checkpoint): origin, tree size, root hash, and
optional extension lines, each ending in a newline. Signed as a note (signed_note.py)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from domain.ledger.signed_note import NoteError


@dataclass(frozen=True)
class CheckpointText:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(c.isspace() for c in self.origin):
            raise NoteError(f"origin {self.origin!r} is empty or holds a space")
        if type(self.size) is not int or self.size < 0 or len(self.root) != 32:
            raise NoteError("a checkpoint has a size of 0 or more and a 32-byte root")
        if any(not line or "\n" in line for line in self.extensions):
            raise NoteError("extension lines are non-empty single lines")

    @property
    def text(self) -> str:
        lines = (self.origin, str(self.size), base64.b64encode(self.root).decode(),
                 *self.extensions)
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> CheckpointText:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint is at least three lines, each ending in a newline")
        origin, size, root, *extensions = lines[:-1]
        if not size.isdigit() or not size.isascii() or (size != "0" and size[0] == "0"):
            raise NoteError(f"tree size {size!r} is not a plain decimal")
        try:
            root_hash = base64.b64decode(root, validate=True)
        except binascii.Error as error:
            raise NoteError("the root hash is not base64") from error
        return cls(origin, int(size), root_hash, tuple(extensions))

    def extension(self, prefix: str) -> str | None:
        """The rest of the first extension line that starts with `prefix` and a space."""
        for line in self.extensions:
            if line.startswith(prefix + " "):
                return line[len(prefix) + 1:]
        return None
