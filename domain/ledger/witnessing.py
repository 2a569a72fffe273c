"""What a witness decides (c2sp.org/tlog-witness `add-checkpoint`): cosign a checkpoint only
if a log key it trusts signed it and a consistency proof shows it extends the checkpoint the
witness last cosigned for that origin. Pure: the witness's storage and HTTP live in api/."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from domain.ledger import EMPTY_ROOT, verify_consistency
from domain.ledger.checkpoint_text import CheckpointText
from domain.ledger.signed_note import NoteError, NoteVerifier, split_note, verified_signers

MAX_PROOF_LINES = 63


class WitnessRefusal(Exception):
    """The witness will not cosign; `status` is the HTTP status the protocol names."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnknownLog(WitnessRefusal):
    status = 404


class UntrustedSignature(WitnessRefusal):
    status = 403


class SizeConflict(WitnessRefusal):
    """The old size is not the size the witness last cosigned; it answers with its own."""

    status = 409

    def __init__(self, latest_size: int) -> None:
        super().__init__(f"{latest_size}\n")
        self.latest_size = latest_size


class Inconsistent(WitnessRefusal):
    status = 422


@dataclass(frozen=True)
class Submission:
    """An add-checkpoint request: the old size, a consistency proof, the signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str
    checkpoint: CheckpointText

    @classmethod
    def parse(cls, body: str) -> Submission:
        head, blank, note = body.partition("\n\n")
        lines = head.split("\n")
        if not blank or not lines[0].startswith("old "):
            raise WitnessRefusal("the body is `old N`, proof lines, a blank line, a checkpoint")
        size = lines[0][4:]
        if not size.isdigit() or not size.isascii() or (size != "0" and size[0] == "0"):
            raise WitnessRefusal(f"old size {size!r} is not a plain decimal")
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise WitnessRefusal("at most 63 consistency proof lines")
        try:
            proof = tuple(base64.b64decode(line, validate=True) for line in lines[1:])
        except binascii.Error as error:
            raise WitnessRefusal("a proof line is not base64") from error
        try:
            checkpoint = CheckpointText.parse(split_note(note)[0])
        except NoteError as error:
            raise WitnessRefusal(str(error)) from None
        return cls(int(size), proof, note, checkpoint)

    @property
    def body(self) -> str:
        proof = "".join(base64.b64encode(h).decode() + "\n" for h in self.proof)
        return f"old {self.old_size}\n{proof}\n{self.note}"


@dataclass(frozen=True)
class Cosigned:
    """What a witness holds for one log: the last checkpoint it cosigned."""

    size: int
    root: bytes


def judge(submission: Submission, logs: dict[str, list[NoteVerifier]],
          latest: Cosigned | None) -> CheckpointText:
    """The checkpoint to cosign, or the refusal the protocol prescribes."""
    checkpoint = submission.checkpoint
    if checkpoint.origin not in logs:
        raise UnknownLog(f"unknown log {checkpoint.origin}")
    try:
        verified_signers(submission.note, logs[checkpoint.origin])
    except NoteError as error:
        raise UntrustedSignature(str(error)) from None
    if submission.old_size > checkpoint.size:
        raise WitnessRefusal("the old size is larger than the checkpoint's")
    held = latest or Cosigned(0, EMPTY_ROOT)
    if submission.old_size != held.size:
        raise SizeConflict(held.size)
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        raise Inconsistent("an empty tree has the root of the empty string")
    if held.size == 0 and submission.proof:
        raise Inconsistent("no proof is needed from the empty tree")
    if not verify_consistency(held.size, checkpoint.size, held.root, checkpoint.root,
                              submission.proof):
        raise Inconsistent(f"the checkpoint does not extend size {held.size}")
    return checkpoint

