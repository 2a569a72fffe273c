"""What one access-log entry says about a request: who asked, about whose record, by which
route, with what outcome and, for a refusal, the rule or the field that refused it.
Identifiers only: the route is its template with the ids it names filled in (a raw path
could hold a name typed where an id belongs), and a field is named in the API's own words."""

from __future__ import annotations

from uuid import UUID

from fastapi import Request

from api.http.errors import Problem
from infra.services import Services
from projections.access_log import AccessEntry

LOCATIONS = frozenset({"body", "path", "query", "header", "Idempotency-Key", "If-Match"})


def entries_of(request: Request, outcome: int,
               problem: Problem | None = None) -> list[AccessEntry]:
    """One entry per patient the request touched; none without a valid token (nobody to
    name, and nothing was read or written)."""
    caller = getattr(request.state, "caller", None)
    if caller is None:
        return []
    services: Services = request.app.state.services
    subjects = getattr(request.state, "subjects", None) or [(None, None)]
    rule = problem.code if problem is not None else None
    field = _field_named(request, problem.extra.get("field")) if problem is not None else None
    at, route = services.clock(), route_of(request)
    return [AccessEntry(at, caller.id, caller.role, caller.clinic, patient, clinic, route,
                        outcome, rule, field) for patient, clinic in subjects]


def route_of(request: Request) -> str:
    """The route's template, each path parameter filled in only where it is an id."""
    route = request.scope.get("route")
    if route is None:
        return "?"
    params = {name: value if _is_id(value) else f"{{{name}}}"
              for name, value in request.path_params.items()}
    return route.path_format.format_map(params)


def _is_id(value: object) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def _field_named(request: Request, field: object) -> str | None:
    """The field, each part that is not a word of the API's schema (a key the client made
    up, which could be anything) written as `*`."""
    if not isinstance(field, str):
        return None
    words = _schema_words(request)
    return ".".join(part if part.isdigit() or part in words else "*"
                    for part in field.split("."))


def _schema_words(request: Request) -> frozenset[str]:
    """Every property and parameter name in the app's OpenAPI document (built once)."""
    state = request.app.state
    words = getattr(state, "schema_words", None)
    if words is None:
        found: set[str] = set(LOCATIONS)
        _collect(request.app.openapi(), found)
        words = state.schema_words = frozenset(found)
    return words


def _collect(node: object, found: set[str]) -> None:
    if isinstance(node, dict):
        found.update(node.get("properties", {}) if isinstance(node.get("properties"), dict)
                     else ())
        if isinstance(node.get("name"), str) and "in" in node:
            found.add(node["name"])
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect(value, found)
