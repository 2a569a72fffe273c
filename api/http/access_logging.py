"""Every GET that touches patient data, and every refused write, writes who, whose record,
which route and the outcome (a refusal with its rule or field) to the access log, and
commits it before the response leaves (api/http/access_entries.py says what an entry holds).

A read that answers is logged on its worker thread just after it returns (one trip to a
thread, not two); a refusal takes its own trip to write its entry.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from api.http.access_entries import entries_of
from api.http.errors import Problem, problem_of

Handler = Callable[[Request], Awaitable[Response]]


def access_logged(handler: Handler) -> Handler:
    """The handler, with its outcome written to the access log before it answers."""
    async def logged(request: Request) -> Response:
        read = _Read(request)
        reading = _READ.set(read)
        try:
            response = await handler(request)
        except Exception as error:
            problem = problem_of(error)
            await _record_access(request, problem.status, problem)
            raise
        finally:
            _READ.reset(reading)
        if not read.logged:
            await _record_access(request, response.status_code)
        return response

    return logged


REFUSALS = frozenset({403, 404, 409, 412, 422})
"""A write refused for its caller's role, its record, a rule, a stale version or a field
(a 401 names nobody; a 503 or 500 is not a refusal)."""


def refusals_logged(handler: Handler) -> Handler:
    """The write handler, with a refusal written to the access log before it answers."""
    async def logged(request: Request) -> Response:
        try:
            response = await handler(request)
        except Exception as error:
            problem = problem_of(error)
            if problem.status in REFUSALS:
                await _record_access(request, problem.status, problem)
            raise
        if response.status_code in REFUSALS:  # a refusal that is itself recorded
            await _record_access(request, response.status_code, _problem_in(response))
        return response

    return logged


def _problem_in(response: Response) -> Problem | None:
    """The problem a refusal answered with, read back from its body."""
    try:
        body = json.loads(response.body)
        return Problem(body["status"], body["type"].rpartition(":")[2], body["detail"],
                       **{key: body[key] for key in ("field",) if key in body})
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def on_a_worker_thread(endpoint: Callable, answered: int) -> Callable:
    """A plain (blocking) endpoint, run on a worker thread as FastAPI would, but seen by
    FastAPI as async: it then checks the response on the event loop instead of taking a
    second trip to a worker thread for it. A logged read that returns is logged there and
    then, as `answered` (the route's status).

    Kept because it saves CPU: without it the API process spent more CPU per request in
    bench/http_api.py (3 rotated, paired rounds; more in 11 of 12 comparisons), POST 4.2
    vs 3.8 ms on PostgreSQL and 5.3 vs 4.5 ms on SQLite, GET 3.7 vs 3.0 and 3.4 vs 2.9 ms."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    def answer_and_log(*args, **kwargs):
        result = endpoint(*args, **kwargs)
        read = _READ.get()
        if read is not None:
            outcome = result.status_code if isinstance(result, Response) else answered
            if entries := entries_of(read.request, outcome):
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


async def _record_access(request: Request, outcome: int, problem: Problem | None = None) -> None:
    """Write the request's entries on a worker thread (naming a field may read the OpenAPI
    document, built once, in half a second)."""
    await run_in_threadpool(_write_entries, request, outcome, problem)


def _write_entries(request: Request, outcome: int, problem: Problem | None) -> None:
    if entries := entries_of(request, outcome, problem):
        request.app.state.services.record_access(entries)
