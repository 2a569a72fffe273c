"""Asking the deployment's witnesses to cosign a checkpoint (c2sp.org/tlog-witness).

Each witness is sent the size it last cosigned and a consistency proof from there; a
witness that answers 409 names the size it holds, and is asked once more from that size.
Whatever a witness answers is checked against its key before it is kept. A witness that
is away or refuses is reported, never waited on for long: the log goes on, and `verify`
shows which checkpoints lack a cosignature.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from domain.ledger.signed_note import NoteError, NoteVerifier, SignatureLine, verified_signers

Proof = Callable[[int, int], list[bytes]]
"""The consistency proof between two tree sizes."""


@dataclass(frozen=True)
class WitnessAddress:
    """A witness the deployment names: where it listens and the key it cosigns with."""

    url: str
    verifier: NoteVerifier

    @classmethod
    def parse(cls, text: str) -> WitnessAddress:
        """`VKEY@URL`, e.g. `w.example/1+1a2b3c4d+BAx…@http://127.0.0.1:8700`."""
        vkey, at, url = text.partition("@")
        if not at or not url.startswith(("http://", "https://")):
            raise ValueError(f"a witness is VKEY@URL, not {text!r}")
        return cls(url.rstrip("/"), NoteVerifier.from_vkey(vkey))


@dataclass(frozen=True)
class WitnessAnswer:
    witness: WitnessAddress
    cosignature: str | None  # the signature line, when it cosigned
    problem: str = ""


def ask_to_cosign(witness: WitnessAddress, note: str, size: int, held_size: int,
                  proof: Proof, timeout: float = 5.0) -> WitnessAnswer:
    """Submit the checkpoint `note` (of `size`) from `held_size`, the size this witness last
    cosigned as far as the log knows; once more from the size it names on a 409."""
    try:
        with httpx.Client(timeout=timeout) as client:
            answer = _submit(client, witness, note, size, held_size, proof)
            if answer.status_code == 409 and answer.text.strip().isdigit():
                held_size = int(answer.text)
                if held_size > size:
                    return WitnessAnswer(witness, None, f"it holds a newer size, {held_size}")
                answer = _submit(client, witness, note, size, held_size, proof)
    except httpx.HTTPError as error:
        return WitnessAnswer(witness, None, f"unreachable: {error}")
    if answer.status_code != 200:
        return WitnessAnswer(witness, None, f"{answer.status_code}: {answer.text.strip()}")
    try:
        verified_signers(note + answer.text, [witness.verifier])
    except NoteError as error:
        return WitnessAnswer(witness, None, f"its answer does not verify: {error}")
    return WitnessAnswer(witness, next(
        line for line in answer.text.splitlines(keepends=True)
        if SignatureLine.parse(line.rstrip("\n")).key_id == witness.verifier.key_id))


def _submit(client: httpx.Client, witness: WitnessAddress, note: str, size: int,
            held_size: int, proof: Proof) -> httpx.Response:
    lines = proof(held_size, size) if 0 < held_size < size else []
    body = f"old {held_size}\n" + "".join(base64.b64encode(h).decode() + "\n" for h in lines)
    return client.post(f"{witness.url}/add-checkpoint", content=(body + "\n" + note).encode())
