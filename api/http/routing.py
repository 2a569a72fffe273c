"""The route classes of the API. A patient-scoped route (`ClinicRoute`) does, by method:

    POST  idempotent (api/http/idempotency.py), one write per record at a time
          (api/http/write_turns.py), a refusal access-logged (api/http/access_logging.py)
    GET   access-logged (api/http/access_logging.py)

Every route lists the problems it may answer in its OpenAPI entry (`ProblemRoute`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from api.http.access_logging import access_logged, on_a_worker_thread, refusals_logged
from api.http.errors import READ_PROBLEMS, WRITE_PROBLEMS
from api.http.idempotency import idempotent
from api.http.write_turns import in_turn

HTTP = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
Handler = Callable[[Request], Awaitable[Response]]


class ProblemRoute(APIRoute):
    """A route whose OpenAPI entry lists the problems it may answer: those of any route
    (401, 403, 404, 422, 503), and a write's (409, 412) on a POST."""

    def __init__(self, path: str, endpoint: Callable, *, methods=None, responses=None,
                 **options) -> None:
        writes = WRITE_PROBLEMS if methods and "POST" in methods else {}
        super().__init__(path, endpoint, methods=methods,
                         responses={**READ_PROBLEMS, **writes, **(responses or {})}, **options)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A method the path does not take is a 405 whose `Allow` names every method the
        path takes in the OpenAPI document (GET and POST on /v1/patients), not this route's
        alone: routes that share a path are separate objects."""
        if scope["method"] not in self.methods:
            raise HTTPException(405, headers={"Allow": ", ".join(self._allowed(scope["app"]))})
        await super().handle(scope, receive, send)

    def _allowed(self, app: FastAPI) -> list[str]:
        documented = app.openapi().get("paths", {}).get(self.path, {})
        return sorted({method.upper() for method in documented if method.upper() in HTTP}
                      or self.methods)


class ClinicRoute(ProblemRoute):
    """A route on patient data: a POST is idempotent, waits its turn on the record and has
    a refusal access-logged, a GET is access-logged; a plain endpoint takes one trip to a
    worker thread, not two."""

    def __init__(self, path: str, endpoint: Callable, **options) -> None:
        answered = options.get("status_code") or 200
        super().__init__(path, on_a_worker_thread(endpoint, answered), **options)

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        if "POST" in self.methods:
            return refusals_logged(idempotent(in_turn(handler)))
        if "GET" in self.methods:
            return access_logged(handler)
        return handler
