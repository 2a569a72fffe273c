"""Every refusal as an RFC 9457 problem (application/problem+json), mapped once for all routes.

Domain refusals are 409 and name the rule; malformed input is 422 and names the field;
a stale If-Match is 412; a missing or bad token 401; a role that may not 403; an unknown
record, or another clinic's, 404; a database that is away or a view still catching up 503.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

import domain.application  # noqa: F401  (its modules declare every rule of the domain)
from domain.corrections import VoidNotPermittedError
from domain.erasure import RetentionPeriodRunningError
from domain.errors import (
    InvalidEntry,
    NotFoundError,
    RecordBusyError,
    RuleViolation,
    StaleVersionError,
    rule_catalogue,
)
from domain.passwords import WeakPasswordError
from domain.signatures import Forbidden
from infra.exports import UnknownCheckpointError
from infra.integrity import ViewsDisagreeError
from infra.outages import DATABASE_UNAVAILABLE
from infra.provider_keys import ProviderUnreachableError
from infra.services import ViewsBehindError
from infra.sign_in import SignInRefused
from infra.tokens import InvalidTokenError

PROBLEM = "application/problem+json"


class Problem(Exception):
    """A refusal raised by the HTTP layer itself (auth, roles, idempotency, waiting)."""

    def __init__(self, status: int, code: str, detail: str, headers: dict | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.headers = headers or {}
        self.extra = extra


PROBLEM_SCHEMA = {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                   "status": {"type": "integer"}, "detail": {"type": "string"},
                   "rule": {"type": "string", "description": "The domain rule that refused it"},
                   "field": {"type": "string", "description": "The malformed field"}}}


def rules_in_words() -> str:
    """The 409 answer's description: every rule code a client can branch on, in words."""
    return "\n".join(["A rule of the domain refused it (`rule` names it):", ""] + [
        f"- `{code}`: {' '.join((refusal.__doc__ or '').split())}"
        for code, refusal in rule_catalogue().items()])


MEANINGS = {401: "No token, or a bad one", 403: "The caller's role may not do this",
            404: "No such record in the caller's clinic",
            409: rules_in_words(),
            412: "If-Match names a version the record has moved on from",
            422: "Malformed input (`field` names it)",
            503: "The store is away or the views are catching up; retry after Retry-After"}


def problems(*statuses: int) -> dict[int | str, dict]:
    """What the OpenAPI document says a route may answer besides success."""
    return {status: {"description": MEANINGS[status],
                     "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}}} for status in statuses}


READ_PROBLEMS = problems(401, 403, 404, 422, 503)
WRITE_PROBLEMS = problems(409, 412)


def problem_of(error: Exception) -> Problem:
    """The problem an exception stands for; anything unknown is a defect (500)."""
    match error:
        case Problem():
            return error
        case RequestValidationError():
            return validation_problem(error)
        case WeakPasswordError():
            return Problem(422, "weak_password", f"password: {error.problem}",
                           field="password", rule=error.rule)
        case SignInRefused():
            return Problem(error.status, error.code, error.detail,
                           {"WWW-Authenticate": "Bearer"} if error.status == 401 else None)
        case InvalidEntry():
            return Problem(422, "invalid_entry", error.problem, field=error.field,
                           errors=[{"field": error.field, "problem": error.problem}])
        case RetentionPeriodRunningError():
            return Problem(409, error.rule, error.detail, rule=error.rule,
                           position=error.position)
        case VoidNotPermittedError():  # who may, not what: the caller's authority
            return Problem(403, error.rule, error.detail, rule=error.rule)
        case RuleViolation():
            status = 403 if isinstance(error, Forbidden) else 409
            named = {"field": error.field} if error.field else {}
            return Problem(status, error.rule, error.detail, rule=error.rule, **named)
        case StaleVersionError():
            return Problem(412, "stale_version", str(error), current_version=error.actual)
        case UnknownCheckpointError():
            return Problem(409, "unknown_checkpoint", str(error), field="since_checkpoint")
        case NotFoundError():
            return Problem(404, "not_found", "no such record in your clinic")
        case ViewsDisagreeError():
            return Problem(503, "checkpoint_refused", str(error), {"Retry-After": "5"})
        case ViewsBehindError():
            return Problem(503, "view_catching_up", str(error), {"Retry-After": "1"})
        case RecordBusyError():
            return Problem(503, "record_busy", str(error), {"Retry-After": "1"})
        case ProviderUnreachableError():
            return Problem(503, "identity_provider_unavailable", str(error),
                           {"Retry-After": "5"})
        case InvalidTokenError():
            return Problem(401, "invalid_token", str(error),
                           {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        case HTTPException() if error.status_code == 400:  # a body that is not even JSON
            return Problem(422, "invalid_request", "body: not valid JSON", field="body")
        case HTTPException():
            return Problem(error.status_code, HTTPStatus(error.status_code).phrase.lower()
                           .replace(" ", "_"), str(error.detail), dict(error.headers or {}))
        case _ if isinstance(error, DATABASE_UNAVAILABLE):
            return Problem(503, "database_unavailable", "the record store is unreachable",
                           {"Retry-After": "2"})
    return Problem(500, "defect", "an unexpected error; it has been logged")


def validation_problem(error: RequestValidationError) -> Problem:
    errors = [{"field": _field(item), "problem": item["msg"]} for item in error.errors()]
    first = errors[0] if errors else {"field": "", "problem": "malformed request"}
    return Problem(422, "invalid_request", f"{first['field']}: {first['problem']}",
                   field=first["field"], errors=errors)


def _field(error: dict) -> str:
    if error["type"] == "json_invalid":  # its location is a character offset, not a field
        return "body"
    return ".".join(str(part) for part in error["loc"] if part != "body")


def response_of(problem: Problem) -> JSONResponse:
    body = {"type": f"urn:mesoledger:problem:{problem.code}",
            "title": HTTPStatus(problem.status).phrase, "status": problem.status,
            "detail": problem.detail, **problem.extra}
    return JSONResponse(body, status_code=problem.status, headers=problem.headers,
                        media_type=PROBLEM)


def install(app: FastAPI) -> None:
    async def known(_: Request, error: Exception) -> JSONResponse:
        return response_of(problem_of(error))

    async def malformed(_: Request, error: RequestValidationError) -> JSONResponse:
        return response_of(validation_problem(error))

    app.add_exception_handler(RequestValidationError, malformed)
    for kind in (Problem, InvalidEntry, RuleViolation, StaleVersionError, NotFoundError,
                 RecordBusyError, InvalidTokenError, ViewsBehindError, UnknownCheckpointError,
                 HTTPException, SignInRefused, ProviderUnreachableError,
                 *DATABASE_UNAVAILABLE):
        app.add_exception_handler(kind, known)
