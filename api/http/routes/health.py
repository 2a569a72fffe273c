"""Liveness and store reachability (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.http.routing import ProblemRoute
from api.http.services import ServicesDep

router = APIRouter(tags=["health"], route_class=ProblemRoute)


class HealthOut(BaseModel):
    status: str
    log_position: int
    views: dict[str, int]


@router.get("/health", include_in_schema=False)
@router.get("/v1/health")
def health(services: ServicesDep) -> HealthOut:
    """The server is up and the store answers (503 problem if the database is away)."""
    runner = services.runner
    return HealthOut(status="ok", log_position=services.log_position(),
                     views={name: runner.position(name) for name in runner.projections})
