"""The route class of patient-scoped routers: reads are access-logged, writes idempotent.

Access log: every GET that touches patient data writes who, whose record, what and the
outcome (refusals included) and commits it before the response leaves: a read that answers
is logged on its worker thread just after it returns (one trip to a thread, not two), a
refusal on the event loop.
Idempotency: a POST with an `Idempotency-Key` is claimed before it runs; a retry with the
same body gets the first response, with another body a 422, and nothing is recorded twice,
even when the server that ran the first died before answering (infra/idempotency.py).
Turns: writes to one patient or course from this server run one at a time, so a busy
course never exhausts the records' retries on conflict (other servers still race; the
records retry those).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import inspect
import json
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from contextvars import ContextVar
from dataclasses import dataclass, replace
from urllib.parse import quote
from weakref import WeakValueDictionary

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.http.auth import caller_in
from api.http.errors import READ_PROBLEMS, WRITE_PROBLEMS, Problem, problem_of, response_of
from api.http.respond import recorded_answer
from infra.idempotency import FirstAnswer, IdempotencyKeys, new_run
from infra.outages import DATABASE_UNAVAILABLE
from infra.requests import RequestAlreadyRecorded, on_behalf_of
from infra.services import Services
from infra.tokens import InvalidTokenError
from projections.access_log import AccessEntry

Handler = Callable[[Request], Awaitable[Response]]
KEPT_HEADERS = ("etag", "location")


class ProblemRoute(APIRoute):
    """A route whose OpenAPI entry lists the problems it may answer: those of any route
    (401, 403, 404, 422, 503), and a write's (409, 412) on a POST."""

    def __init__(self, path: str, endpoint: Callable, *, methods=None, responses=None,
                 **options) -> None:
        writes = WRITE_PROBLEMS if methods and "POST" in methods else {}
        super().__init__(path, endpoint, methods=methods,
                         responses={**READ_PROBLEMS, **writes, **(responses or {})}, **options)


class ClinicRoute(ProblemRoute):
    def __init__(self, path: str, endpoint: Callable, **options) -> None:
        answered = options.get("status_code") or 200
        super().__init__(path, _on_a_worker_thread(endpoint, answered), **options)

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        if "POST" in self.methods:
            return idempotent(in_turn(handler))
        if "GET" in self.methods:
            return access_logged(handler)
        return handler


def _on_a_worker_thread(endpoint: Callable, answered: int) -> Callable:
    """A plain (blocking) endpoint, run on a worker thread as FastAPI would, but seen by
    FastAPI as async: it then checks the response on the event loop instead of taking a
    second trip to a worker thread for it. A logged read that returns is logged there and
    then, as `answered` (the route's status)."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    def answer_and_log(*args, **kwargs):
        result = endpoint(*args, **kwargs)
        read = _READ.get()
        if read is not None:
            outcome = result.status_code if isinstance(result, Response) else answered
            if entries := _entries(read.request, outcome):
                read.request.app.state.services.record_access(entries)
            read.logged = True
        return result

    @functools.wraps(endpoint)
    async def on_a_thread(*args, **kwargs):
        return await run_in_threadpool(answer_and_log, *args, **kwargs)

    return on_a_thread


@dataclass
class _Read:
    """A logged read under way, and whether its access entry is written yet."""

    request: Request
    logged: bool = False


_READ: ContextVar[_Read | None] = ContextVar("logged_read", default=None)


def access_logged(handler: Handler) -> Handler:
    async def logged(request: Request) -> Response:
        read = _Read(request)
        reading = _READ.set(read)
        try:
            response = await handler(request)
        except Exception as error:
            await _record_access(request, problem_of(error).status)
            raise
        finally:
            _READ.reset(reading)
        if not read.logged:
            await _record_access(request, response.status_code)
        return response

    return logged


async def _record_access(request: Request, outcome: int) -> None:
    entries = _entries(request, outcome)
    if entries:
        await run_in_threadpool(request.app.state.services.record_access, entries)


def _entries(request: Request, outcome: int) -> list[AccessEntry]:
    """One entry per patient the request touched; none without a valid token (nobody to
    name, and nothing was read)."""
    caller = getattr(request.state, "caller", None)
    if caller is None:
        return []
    services: Services = request.app.state.services
    subjects = getattr(request.state, "subjects", None) or [(None, None)]
    at = services.clock()
    return [AccessEntry(at, caller.id, caller.role, caller.clinic, patient, clinic,
                        quote(request.url.path), outcome) for patient, clinic in subjects]


def idempotent(handler: Handler) -> Handler:
    async def once(request: Request) -> Response:
        key = request.headers.get("idempotency-key")
        owner = None if key is None else _owner(request)
        if owner is None:
            return await handler(request)
        if not 0 < len(key) <= 200:
            raise Problem(422, "invalid_idempotency_key",
                          "Idempotency-Key takes 1 to 200 characters", field="Idempotency-Key")
        keys: IdempotencyKeys = request.app.state.services.idempotency
        fingerprint = hashlib.sha256(
            f"{request.method} {request.url.path}\n".encode() + await request.body()).hexdigest()
        run = new_run()
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


class WriteTurns:
    """One lock per record being written (forgotten once no request holds it)."""

    def __init__(self) -> None:
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    def of(self, request: Request) -> AbstractAsyncContextManager:
        record = request.path_params.get("course_id") or request.path_params.get("patient_id")
        if record is None:
            return nullcontext()
        lock = self._locks.get(record)
        if lock is None:
            lock = self._locks[record] = asyncio.Lock()
        return lock


def in_turn(handler: Handler) -> Handler:
    async def queued(request: Request) -> Response:
        async with request.app.state.write_turns.of(request):
            return await handler(request)

    return queued


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
