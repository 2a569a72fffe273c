"""Every GET that touches patient data writes who, whose record, what and the outcome
(refusals included) to the access log, and commits it before the response leaves.

A read that answers is logged on its worker thread just after it returns (one trip to a
thread, not two); a refusal is logged from the event loop.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from api.http.errors import problem_of
from infra.services import Services
from projections.access_log import AccessEntry

Handler = Callable[[Request], Awaitable[Response]]


def access_logged(handler: Handler) -> Handler:
    """The handler, with its outcome written to the access log before it answers."""
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
