"""`mesoledger witness`: an independent checkpoint witness (c2sp.org/tlog-witness).

Run by someone the clinic does not control (a regulator, an insurer, another clinic). It
cosigns a log's checkpoint only when it extends the last one it cosigned for that log, and
remembers that across restarts, so a clinic cannot show one history today and another
tomorrow. `POST /add-checkpoint` is the protocol; `GET /` tells its key and the logs it
follows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from domain.ledger.signed_note import COSIGNATURE, NoteSigner, NoteVerifier, key_id
from domain.ledger.witnessing import (
    Inconsistent,
    SizeConflict,
    Submission,
    WitnessRefusal,
    judge,
)
from infra.integrity import load_signing_key
from infra.witness_store import WitnessStore

MAX_BODY = 64 * 1024


@dataclass
class Witness:
    signer: NoteSigner
    logs: dict[str, list[NoteVerifier]]
    store: WitnessStore

    def add_checkpoint(self, body: str) -> str:
        """The cosignature line for an acceptable submission (WitnessRefusal otherwise)."""
        submission = Submission.parse(body)
        origin = submission.checkpoint.origin
        with self.store.turn():
            try:
                checkpoint = judge(submission, self.logs, self.store.latest(origin))
            except Inconsistent as refusal:  # signed by the log: evidence of a fork
                self.store.refused(body, refusal.status, refusal.detail)
                raise
            self.store.cosigned(origin, checkpoint.size, checkpoint.root, submission.note)
        return self.signer.signature_line(checkpoint.text, int(time.time()))


    def app(self) -> Starlette:
        return create_witness_app(self)


def open_witness(key_path: Path, folder: Path, log_vkeys: list[str], name: str = "") -> Witness:
    """A witness with its key (made when missing), its folder and the logs it follows; its
    name defaults to one derived from its key."""
    key = load_signing_key(key_path)
    name = name or "witness.mesoledger/" + key_id("w", COSIGNATURE, key.public_key()).hex()
    logs: dict[str, list[NoteVerifier]] = {}
    for vkey in log_vkeys:
        verifier = NoteVerifier.from_vkey(vkey)
        logs.setdefault(verifier.name, []).append(verifier)
    return Witness(NoteSigner(name, key, COSIGNATURE), logs, WitnessStore(folder))


def create_witness_app(witness: Witness) -> Starlette:
    async def add_checkpoint(request: Request) -> Response:
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return PlainTextResponse("body too large\n", status_code=413)
        try:
            return PlainTextResponse(witness.add_checkpoint(raw.decode()))
        except UnicodeDecodeError:
            return PlainTextResponse("the body is not UTF-8\n", status_code=400)
        except SizeConflict as conflict:
            return Response(f"{conflict.latest_size}\n", status_code=409,
                            media_type="text/x.tlog.size")
        except WitnessRefusal as refusal:
            return PlainTextResponse(refusal.detail + "\n", status_code=refusal.status)

    async def about(request: Request) -> Response:
        logs = "".join(f"log {v.vkey}\n" for keys in witness.logs.values() for v in keys)
        return PlainTextResponse(f"witness {witness.signer.verifier.vkey}\n{logs}")

    return Starlette(routes=[Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
                             Route("/", about, methods=["GET"])])
