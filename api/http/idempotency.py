"""Idempotency-Key on a POST: claimed before the command runs; a retry with the same body
gets the first response, with another body a 422, and nothing is recorded twice, even when
the server that ran the first died before answering (the keys live in infra/idempotency.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import replace

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


def idempotent(handler: Handler) -> Handler:
    """The handler, run once per Idempotency-Key of its caller (without a key, every time)."""
    async def once(request: Request) -> Response:
        key = request.headers.get("idempotency-key")
        owner = None if key is None else _owner(request)
        if owner is None:
            return await handler(request)
        if not 0 < len(key) <= 200:
            raise Problem(422, "invalid_idempotency_key",
                          "Idempotency-Key takes 1 to 200 characters", field="Idempotency-Key")
        keys: IdempotencyKeys = request.app.state.services.idempotency
        fingerprint, run = await _fingerprint(request), new_run()
        first = await run_in_threadpool(keys.claim, owner, key, fingerprint, run)
        if first is not None:
            if first.fingerprint != fingerprint:
                raise Problem(422, "idempotency_key_reused",
                              "this Idempotency-Key was used for a different request",
                              field="Idempotency-Key")
            if first.status is not None or first.recorded is not None:
                return await _answer_again(request, keys, owner, key, first)
            if not await run_in_threadpool(keys.take_over, owner, key, first, run):
                raise IN_PROGRESS
        return await _run_once(handler, request, keys, owner, key, run)

    return once


IN_PROGRESS = Problem(409, "request_in_progress",
                      "a request with this Idempotency-Key is still being processed",
                      {"Retry-After": "1"})


async def _run_once(handler: Handler, request: Request, keys: IdempotencyKeys, owner: str,
                    key: str, run: str) -> Response:
    """Run the command on behalf of the claimed key. Whatever recorded an entry keeps its
    answer; a refusal or failure that recorded nothing forgets the claim, so a retry runs."""
    with on_behalf_of(owner, key, run) as pending:
        try:
            response = await handler(request)
        except RequestAlreadyRecorded:  # another run recorded it, or took it over
            return await _answer_again(request, keys, owner, key,
                                       await run_in_threadpool(keys.first, owner, key))
        except Exception as error:
            if not pending.recorded:
                await _forget(keys, owner, key, run)
                raise
            problem = problem_of(error)
            if problem.status >= 500:  # it failed after recording: the entry stands
                return await _answer_again(request, keys, owner, key,
                                           await run_in_threadpool(keys.first, owner, key))
            response = response_of(problem)  # a refusal that is itself recorded
    if pending.recorded or response.status_code < 300:
        await run_in_threadpool(keys.complete, owner, key, response.status_code,
                                _stored(response))
    else:
        await _forget(keys, owner, key, run)
    return response


async def _forget(keys: IdempotencyKeys, owner: str, key: str, run: str) -> None:
    """Release the claim if the database lets us; if not, it lapses after CLAIM_LEASE."""
    with suppress(*DATABASE_UNAVAILABLE):
        await run_in_threadpool(keys.release, owner, key, run)


async def _answer_again(request: Request, keys: IdempotencyKeys, owner: str, key: str,
                        first: FirstAnswer | None) -> Response:
    """The first request's answer; rebuilt from what it recorded if it never answered."""
    if first is None or (first.status is None and first.recorded is None):
        raise IN_PROGRESS
    if first.status is None:
        records = request.app.state.services.records
        response = await run_in_threadpool(recorded_answer, records, first.recorded)
        await run_in_threadpool(keys.complete, owner, key, response.status_code,
                                _stored(response))
        first = replace(first, status=response.status_code, body=_stored(response))
    stored = json.loads(first.body)
    return Response(stored["content"], status_code=first.status,
                    media_type=stored.get("media_type", "application/json"),
                    headers={**stored["headers"], "Idempotent-Replayed": "true"})


async def _fingerprint(request: Request) -> str:
    """What a retry must repeat: the method, the path and the body."""
    return hashlib.sha256(
        f"{request.method} {request.url.path}\n".encode() + await request.body()).hexdigest()


def _owner(request: Request) -> str | None:
    """Keys belong to the token's user; without a valid token the route answers 401."""
    try:
        return caller_in(request).owner
    except (Problem, InvalidTokenError):
        return None


def _stored(response: Response) -> str:
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    return json.dumps({"headers": headers, "content": response.body.decode(),
                       "media_type": response.media_type})
