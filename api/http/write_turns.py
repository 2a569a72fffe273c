"""Writes to one patient or course from this server run one at a time, so a busy course
never exhausts the records' retries on conflict (other servers still race; the records
retry those)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from weakref import WeakValueDictionary

from fastapi import Request, Response

Handler = Callable[[Request], Awaitable[Response]]


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
    """The handler, run once no other write to the same record is under way here."""
    async def queued(request: Request) -> Response:
        async with request.app.state.write_turns.of(request):
            return await handler(request)

    return queued
