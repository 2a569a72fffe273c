"""Idempotency-Key on a POST: claimed before the command runs; a retry with the same body
gets the first response, with another body a 422, and nothing is recorded twice, even when
the server that ran the first died before answering (the keys live in infra/idempotency.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, replace

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from api.http.auth import caller_in
from api.http.errors import Problem, problem_of, response_of
from api.http.respond import recorded_answer
from infra.idempotency import FirstAnswer, IdempotencyKeys, new_run
from infra.outages import DATABASE_UNAVAILABLE
from infra.requests import RequestAlreadyRecorded, on_behalf_of
from infra.tokens import InvalidTokenError

Handler = Callable[[Request], Awaitable[Response]]
KEPT_HEADERS = ("etag", "location")
IN_PROGRESS = Problem(409, "request_in_progress",
                      "a request with this Idempotency-Key is still being processed",
                      {"Retry-After": "1"})


def idempotent(handler: Handler) -> Handler:
    """The handler, run once per Idempotency-Key of its caller (without a key, every time)."""
    async def once(request: Request) -> Response:
        claim = _claim_of(request)
        if claim is None:
            return await handler(request)
        fingerprint = await _fingerprint(request)
        first = await claim.hold(fingerprint)
        if first is None:
            return await _run_once(handler, claim)
        if first.fingerprint != fingerprint:
            raise Problem(422, "idempotency_key_reused",
                          "this Idempotency-Key was used for a different request",
                          field="Idempotency-Key")
        if first.status is not None or first.recorded is not None:
            return await claim.answer_again(first)
        if not await claim.take_over(first):
            raise IN_PROGRESS
        return await _run_once(handler, claim)

    return once


async def _run_once(handler: Handler, claim: _Claim) -> Response:
    """Run the command on behalf of the claimed key. Whatever recorded an entry keeps its
    answer; a refusal or failure that recorded nothing forgets the claim, so a retry runs."""
    with on_behalf_of(claim.owner, claim.key, claim.run) as pending:
        try:
            response = await handler(claim.request)
        except RequestAlreadyRecorded:  # another run recorded it, or took it over
            return await claim.answer_again()
        except Exception as error:
            if not pending.recorded:
                await claim.forget()
                raise
            problem = problem_of(error)
            if problem.status >= 500:  # it failed after recording: the entry stands
                return await claim.answer_again()
            response = response_of(problem)  # a refusal that is itself recorded
    if pending.recorded or response.status_code < 300:
        await claim.complete(response)
    else:
        await claim.forget()
    return response


@dataclass(frozen=True)
class _Claim:
    """A caller's Idempotency-Key, held by this run of the request."""

    request: Request
    keys: IdempotencyKeys
    owner: str
    key: str
    run: str

    async def hold(self, fingerprint: str) -> FirstAnswer | None:
        """Claim the key for this run; if it was claimed before, what became of that."""
        return await run_in_threadpool(self.keys.claim, self.owner, self.key, fingerprint,
                                       self.run)

    async def take_over(self, first: FirstAnswer) -> bool:
        """Hold a key its first run abandoned (False if another retry was quicker)."""
        return await run_in_threadpool(self.keys.take_over, self.owner, self.key, first,
                                       self.run)

    async def complete(self, response: Response) -> None:
        await run_in_threadpool(self.keys.complete, self.owner, self.key,
                                response.status_code, _stored(response))

    async def forget(self) -> None:
        """Release the claim if the database lets us; if not, it lapses after CLAIM_LEASE."""
        with suppress(*DATABASE_UNAVAILABLE):
            await run_in_threadpool(self.keys.release, self.owner, self.key, self.run)

    async def answer_again(self, first: FirstAnswer | None = None) -> Response:
        """The first request's answer (read now unless given); rebuilt from what it recorded
        if it never answered."""
        if first is None:
            first = await run_in_threadpool(self.keys.first, self.owner, self.key)
        if first is None or (first.status is None and first.recorded is None):
            raise IN_PROGRESS
        if first.status is None:
            records = self.request.app.state.services.records
            response = await run_in_threadpool(recorded_answer, records, first.recorded)
            await self.complete(response)
            first = replace(first, status=response.status_code, body=_stored(response))
        stored = json.loads(first.body)
        return Response(stored["content"], status_code=first.status,
                        media_type=stored.get("media_type", "application/json"),
                        headers={**stored["headers"], "Idempotent-Replayed": "true"})


def _claim_of(request: Request) -> _Claim | None:
    """The request's Idempotency-Key, to claim for a new run; none without a key or a
    valid token (the route then answers 401)."""
    key = request.headers.get("idempotency-key")
    owner = None if key is None else _owner(request)
    if owner is None:
        return None
    if not 0 < len(key) <= 200:
        raise Problem(422, "invalid_idempotency_key",
                      "Idempotency-Key takes 1 to 200 characters", field="Idempotency-Key")
    return _Claim(request, request.app.state.services.idempotency, owner, key, new_run())


SECRETS = ("password", "totp")
"""Body fields left out of the fingerprint: an unsalted hash of a body is a password hash a
stolen database could be searched for. The key is the caller's own, so a retry that differs
only in them gets the first answer and records nothing more."""


async def _fingerprint(request: Request) -> str:
    """What a retry must repeat: the method, the path and the body (but its secrets)."""
    return hashlib.sha256(
        f"{request.method} {request.url.path}\n".encode() + _without_secrets(
            await request.body())).hexdigest()


def _without_secrets(body: bytes) -> bytes:
    try:
        fields = json.loads(body)
    except ValueError:
        return body
    if not isinstance(fields, dict) or not any(name in fields for name in SECRETS):
        return body
    kept = {name: value for name, value in fields.items() if name not in SECRETS}
    return json.dumps(kept, sort_keys=True, separators=(",", ":")).encode()


def _owner(request: Request) -> str | None:
    """Keys belong to the token's user."""
    try:
        return caller_in(request).owner
    except (Problem, InvalidTokenError):
        return None


def _stored(response: Response) -> str:
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    return json.dumps({"headers": headers, "content": response.body.decode(),
                       "media_type": response.media_type})
