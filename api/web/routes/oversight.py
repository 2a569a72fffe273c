"""For auditors and regulators: the audit trail, the access log ("who saw this record") and
the sign-in log, with filters and paging, and the whole clinic's export. The same views and
checks as the API's /v1/audit, /v1/access-log, /v1/sign-in-log and clinic export."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request

from api.http.auth import (
    Caller,
    ClinicExporter,
    Overseer,
    SignInReader,
)
from api.http.services import Records, ServicesDep
from api.web.pages import FreshViews, WebRoute, render, see_other
from domain.errors import NotFoundError
from projections.access_log import AccessFilter, AccessLog
from projections.audit_trail import AuditFilter, AuditTrail
from projections.sign_in_log import SignInFilter, SignInLog
from projections.staff_list import StaffList

router = APIRouter(route_class=WebRoute)
PAGE = 50


def _clean(value: str) -> str | None:
    value = value.strip()[:200]
    return value or None


def _patient(records: Records, caller: Caller, patient: str, mrn: str) -> str | None:
    """The patient filter: an id, or an MRN of the caller's clinic (none found: no rows)."""
    if _clean(mrn) and caller.clinic_filter:
        try:
            return str(records.patient_by_mrn(caller.clinic, mrn.strip()))
        except NotFoundError:
            return "no-such-patient"
    return _clean(patient)


def _names(tx, caller: Caller) -> dict[str, str]:
    """Staff ids → printed names, for the people of the caller's clinic (every clinic's for
    a regulator): the logs keep ids, a reader wants names."""
    return {s["staff_id"]: s["name"] for s in StaffList.of_clinic(tx, caller.clinic_filter)}


def _next(request: Request, entries: list[dict], key: str) -> str | None:
    if len(entries) < PAGE:
        return None
    query = dict(request.query_params) | {"after": str(entries[-1][key])}
    return f"{request.url.path}?{urlencode(query)}"


@router.get("/audit", dependencies=[FreshViews])
def audit_trail(
    request: Request,
    caller: Overseer,
    services: ServicesDep,
    records: Records,
    patient: str = "",
    mrn: str = "",
    actor: str = "",
    event_type: str = "",
    after: int = 0,
):
    """Who changed what, when: one row per stored event (identifiers only)."""
    where = AuditFilter(
        caller.clinic_filter,
        _patient(records, caller, patient, mrn),
        _clean(actor),
        _clean(event_type),
        None,
        None,
        None,
    )
    with services.views.transaction(write=False) as tx:
        entries = AuditTrail.page(tx, where, max(after, 0), PAGE)
        names = _names(tx, caller)
    return render(
        request,
        "oversight.html",
        title="Audit trail",
        kind="audit",
        entries=entries,
        names=names,
        next=_next(request, entries, "position"),
        filters={"patient": patient, "mrn": mrn, "actor": actor, "event_type": event_type},
    )


@router.get("/access-log")
def access_log(
    request: Request,
    caller: Overseer,
    services: ServicesDep,
    records: Records,
    patient: str = "",
    mrn: str = "",
    actor: str = "",
    after: int = 0,
):
    """Who read whose record, what and when, and whether it was refused."""
    where = AccessFilter(
        caller.clinic_filter, _patient(records, caller, patient, mrn), _clean(actor), None, None
    )
    with services.views.transaction(write=False) as tx:
        entries = AccessLog.page(tx, where, max(after, 0), PAGE)
        names = _names(tx, caller)
    return render(
        request,
        "oversight.html",
        title="Access log",
        kind="access",
        entries=entries,
        names=names,
        next=_next(request, entries, "id"),
        filters={"patient": patient, "mrn": mrn, "actor": actor},
    )


@router.get("/sign-in-log")
def sign_in_log(
    request: Request,
    caller: SignInReader,
    services: ServicesDep,
    staff_id: str = "",
    outcome: str = "",
    after: int = 0,
):
    """Every sign-in, failure, lockout, sign-out and idle timeout."""
    where = SignInFilter(caller.clinic_filter, _clean(staff_id), _clean(outcome), None, None)
    with services.views.transaction(write=False) as tx:
        entries = SignInLog.page(tx, where, max(after, 0), PAGE)
        names = _names(tx, caller)
    return render(
        request,
        "oversight.html",
        title="Sign-in log",
        kind="sign_in",
        entries=entries,
        names=names,
        next=_next(request, entries, "id"),
        filters={"staff_id": staff_id, "outcome": outcome},
    )


@router.get("/clinic-export")
def clinic_export(request: Request, caller: ClinicExporter, clinic: str = ""):
    """The whole clinic for an inspection (the API's /v1/clinics/{clinic}/export, NDJSON,
    each patient proven against one checkpoint): an auditor's own clinic, or the clinic a
    regulator names."""
    clinic = clinic.strip()[:100] or caller.clinic
    if not caller.sees(clinic) or clinic == "*":
        raise NotFoundError(f"no clinic {clinic}")
    return see_other(f"/v1/clinics/{quote(clinic, safe='')}/export")
