"""For auditors and regulators: the audit trail and the access log, page by page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.http.auth import Overseer
from api.http.routing import ProblemRoute
from api.http.schemas.common import DIGITS_ONLY, ONE_LINE
from api.http.schemas.common import Instant as RFC3339
from api.http.schemas.views import AccessPage, AuditPage
from api.http.services import NOT_YET_RECORDED, FreshViews, ServicesDep
from projections.access_log import AccessFilter, AccessLog
from projections.audit_trail import AuditFilter, AuditTrail

router = APIRouter(prefix="/v1", tags=["oversight"], route_class=ProblemRoute)
Limit = Annotated[int, Query(ge=1, le=1000), DIGITS_ONLY]
Cursor = Annotated[int, Query(ge=0, le=2**62, description="Continue after this cursor"),
                   DIGITS_ONLY]
Filter = Annotated[str | None, Query(max_length=200, pattern=ONE_LINE)]
Instant = Annotated[RFC3339 | None, Query(description="Server time, with zone")]


@router.get("/audit", dependencies=[FreshViews],
            responses=NOT_YET_RECORDED)
def read_audit_trail(caller: Overseer, services: ServicesDep, patient_id: Filter = None,
                     actor: Filter = None, event_type: Filter = None,
                     since: Instant = None, until: Instant = None,
                     late: Annotated[bool | None, Query(
                         description="true: only late entries; false: only the others")] = None,
                     after: Cursor = 0, limit: Limit = 100) -> AuditPage:
    """Who changed what, when: one entry per stored event, identifiers only, late entries
    marked (`late=true&actor=…` lists one clinician's late entries)."""
    where = AuditFilter(caller.clinic_filter, patient_id, actor, event_type, since, until,
                        late)
    with services.views.transaction(write=False) as tx:
        entries = AuditTrail.page(tx, where, after, limit)
    return AuditPage(entries=entries,
                     next_after=entries[-1]["position"] if len(entries) == limit else None)


@router.get("/access-log")
def read_access_log(caller: Overseer, services: ServicesDep, patient_id: Filter = None,
                    actor: Filter = None, since: Instant = None,
                    until: Instant = None, after: Cursor = 0,
                    limit: Limit = 100) -> AccessPage:
    """Who read whose record, what and when, and whether it was refused."""
    where = AccessFilter(caller.clinic_filter, patient_id, actor, since, until)
    with services.views.transaction(write=False) as tx:
        entries = AccessLog.page(tx, where, after, limit)
    return AccessPage(entries=entries,
                      next_after=entries[-1]["id"] if len(entries) == limit else None)
