"""An unhandled error is a defect: it answers an RFC 9457 problem (500) with a correlation
id, also sent as the `Correlation-Id` header, and the server log gets the same id with the
route and the traceback. The connection stays open for the client's next request.

The log names the route by its template and the error by its type and frames, never its
message: a message may quote what was being handled (a name, a date of birth)."""

from __future__ import annotations

import logging
import traceback
from uuid import uuid4

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import Problem, response_of

HEADER = "Correlation-Id"
log = logging.getLogger("mesoledger.defects")


class DefectsAnswered:
    """ASGI middleware inside Starlette's own error middleware, which would answer text and
    re-raise (and so drop the connection): this one answers and is done."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            correlation = uuid4().hex
            log.error("defect %s: %s %s\n%s", correlation, scope["method"], _route(scope),
                      frames_of(error))
            if started:  # the answer is half sent: only closing the connection can tell
                raise
            problem = Problem(500, "defect", f"an unexpected error; it has been logged as"
                              f" {correlation}", {HEADER: correlation},
                              correlation_id=correlation)
            await response_of(problem)(scope, receive, send)


def frames_of(error: BaseException) -> str:
    """The traceback of the error and of the errors it came from, with their types but
    without their messages."""
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    lines = ["Traceback (most recent call last; messages withheld):\n"]
    for link in reversed(chain):
        lines += traceback.format_tb(link.__traceback__)
        lines.append(f"{type(link).__module__}.{type(link).__qualname__}\n")
    return "".join(lines).rstrip("\n")


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "(no route)"
