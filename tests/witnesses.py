"""Real witnesses for tests: `mesoledger witness` processes on loopback, and a log of our
own making to submit checkpoints from."""

from __future__ import annotations

import base64
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.ledger import AppendOnlyTree, leaf_hash
from domain.ledger.checkpoint_text import CheckpointText
from domain.ledger.signed_note import NoteSigner
from tests.api.test_server import MESOLEDGER, free_port


@dataclass
class Log:
    """A log with its own key: leaves appended at will, checkpoints signed at any size."""

    origin: str = "log.example/clinic"
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    tree: AppendOnlyTree = field(default_factory=AppendOnlyTree)

    @property
    def signer(self) -> NoteSigner:
        return NoteSigner(self.origin, self.key)

    def grow(self, *entries: bytes) -> Log:
        for entry in entries:
            self.tree.append(leaf_hash(entry))
        return self

    def note(self, size: int) -> str:
        return self.signer.sign(CheckpointText(self.origin, size, self.tree.root(size)).text)

    def submission(self, old: int, new: int) -> str:
        """An add-checkpoint body: old size, consistency proof from it, checkpoint at new."""
        proof = self.tree.consistency_proof(old, new) if old else []
        lines = "".join(base64.b64encode(h).decode() + "\n" for h in proof)
        return f"old {old}\n{lines}\n{self.note(new)}"


class WitnessProcess:
    """`mesoledger witness` following the logs of these verifier keys, keeping its key and
    memory under `folder`."""

    def __init__(self, folder: Path, *log_keys: str) -> None:
        self.folder, self.log_keys = folder, log_keys
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> WitnessProcess:
        port = free_port()
        args = [MESOLEDGER, "witness", "--port", str(port), "--key", str(self.folder / "key"),
                "--data", str(self.folder / "data")]
        for vkey in self.log_keys:
            args += ["--log", vkey]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stdout.read()
            try:
                self.vkey = httpx.get(self.url, timeout=1).text.split("\n")[0].split()[1]
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the witness did not come up")

    def add_checkpoint(self, body: str) -> httpx.Response:
        return httpx.post(f"{self.url}/add-checkpoint", content=body.encode(), timeout=5)

    def kill(self) -> None:
        """SIGKILL: no chance to write anything on the way out."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(how)
            self.process.wait(timeout=10)
        if self.process:
            self.process.stdout.close()  # its pipe, not left open for the rest of the run
