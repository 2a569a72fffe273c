"""A witness's memory: the last checkpoint it cosigned for each log, kept in one JSON file
that is replaced atomically (written, flushed to disk, renamed), and the submissions it
refused, appended as evidence of a log that misbehaved. One witness process per folder."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from domain.ledger.witnessing import Cosigned

REFUSALS = "refused.ndjson"


def refusals_in(folder: Path) -> list[dict]:
    """The submissions a witness refused as inconsistent, oldest first."""
    path = folder / REFUSALS
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


class WitnessFolderInUseError(RuntimeError):
    """Another witness process holds this folder."""


class WitnessStore:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.state_file = folder / "cosigned.json"
        self.refusals_file = folder / REFUSALS
        self._lock_file = open(folder / ".lock", "w")  # noqa: SIM115 (held while running)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise WitnessFolderInUseError(f"another witness runs on {folder}") from None
        self._turn = threading.Lock()

    @contextmanager
    def turn(self):
        """Check and update one log's state as one step (no two submissions interleave)."""
        with self._turn:
            yield

    def latest(self, origin: str) -> Cosigned | None:
        held = self._state().get(origin)
        return Cosigned(held["size"], base64.b64decode(held["root"])) if held else None

    def cosigned(self, origin: str, size: int, root: bytes, note: str) -> None:
        """Remember the checkpoint just cosigned; on disk before the answer leaves."""
        state = self._state()
        state[origin] = {"size": size, "root": base64.b64encode(root).decode(), "note": note}
        scratch = self.state_file.with_suffix(".tmp")
        with open(scratch, "w") as out:
            json.dump(state, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, self.state_file)

    def refused(self, body: str, status: int, detail: str) -> None:
        entry = {"at": datetime.now(UTC).isoformat(), "status": status, "detail": detail,
                 "submission": body}
        with open(self.refusals_file, "a") as out:
            out.write(json.dumps(entry) + "\n")

    def close(self) -> None:
        self._lock_file.close()

    def _state(self) -> dict:
        if not self.state_file.exists():
            return {}
        return json.loads(self.state_file.read_text())
