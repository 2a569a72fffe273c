"""Request dependencies on what the server holds: services, If-Match, fresh views."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from starlette.concurrency import run_in_threadpool

from api.http.errors import PROBLEM, PROBLEM_SCHEMA, Problem
from api.http.schemas.common import DIGITS_ONLY
from domain.application import ClinicalRecords
from infra.services import Services


async def services_of(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(services_of)]


async def records_of(request: Request) -> ClinicalRecords:
    return request.app.state.services.records


Records = Annotated[ClinicalRecords, Depends(records_of)]

ETAG = re.compile(r'^(?:W/)?"([0-9]{1,9})"$')
IF_MATCH = r'^[ \t]*(\*|(W/)?"[0-9]{1,9}")[ \t]*$'


async def expected_version(if_match: Annotated[str, Header(
        description='The version you last read, as its ETag ("3"); 412 if it moved on.',
        json_schema_extra={"pattern": IF_MATCH})] = None) -> int | None:
    if if_match is None or if_match.strip(" \t") == "*":
        return None
    found = ETAG.match(if_match.strip(" \t"))
    if not found:
        raise Problem(422, "invalid_if_match", 'If-Match takes an ETag such as "3"',
                      field="If-Match")
    return int(found.group(1))


ExpectedVersion = Annotated[int | None, Depends(expected_version)]


async def caught_up(request: Request, min_position: Annotated[int | None, Query(
        ge=0, le=2**62, description="Serve only once the views include this log position "
        "(the position a write returned); 503 with Retry-After if they do not in time."),
        DIGITS_ONLY]
        = None) -> None:
    if min_position:
        await run_in_threadpool(_wait_for_views, request.app.state.services, min_position)


def _wait_for_views(services: Services, min_position: int) -> None:
    if min_position > services.log_position():  # no write returned it
        raise Problem(409, "position_not_recorded", f"nothing is recorded at {min_position}"
                      " yet", field="min_position")
    services.wait_for_views(min_position)


FreshViews = Depends(caught_up)
NOT_YET_RECORDED = {409: {
    "description": "`min_position` is past the end of the log: no write has returned it yet",
    "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}}}}
"""What a route that waits for its views (FreshViews) may also answer."""



def document_fresh_reads(document: dict) -> None:
    """Every operation that waits for its views (it takes `min_position`, a route added later
    too) says in the OpenAPI document that it may answer NOT_YET_RECORDED."""
    for operations in document["paths"].values():
        for operation in operations.values():
            if any(parameter.get("name") == "min_position"
                   for parameter in operation.get("parameters", ())):
                operation["responses"].setdefault("409", NOT_YET_RECORDED[409])
