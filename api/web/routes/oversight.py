"""For auditors and regulators: the audit trail, the access log ("who saw this record") and
the sign-in log, with filters and paging, and the whole clinic's export. The same views and
checks as the API's /v1/audit, /v1/access-log, /v1/sign-in-log and clinic export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class LogShown:
    """One of the overseers' logs as pages: its title, its kind (the template's columns),
    its view's query for a page, and the key its pages follow on from."""

    title: str
    kind: str
    page: Callable[..., list[dict]]
    cursor: str


AUDIT = LogShown("Audit trail", "audit", AuditTrail.page, "position")
ACCESS = LogShown("Access log", "access", AccessLog.page, "id")
SIGN_INS = LogShown("Sign-in log", "sign_in", SignInLog.page, "id")


def _log_page(
    request: Request,
    services: ServicesDep,
    caller: Caller,
    log: LogShown,
    where,
    after: int,
    filters: dict,
):
    """A page of the log's entries after the cursor, the staff named, a link to the next."""
    with services.views.transaction(write=False) as tx:
        entries = log.page(tx, where, max(after, 0), PAGE)
        names = _names(tx, caller)
    return render(
        request,
        "oversight.html",
        title=log.title,
        kind=log.kind,
        entries=entries,
        names=names,
        next=_next(request, entries, log.cursor),
        filters=filters,
    )


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
    filters = {"patient": patient, "mrn": mrn, "actor": actor, "event_type": event_type}
    return _log_page(request, services, caller, AUDIT, where, after, filters)


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
    filters = {"patient": patient, "mrn": mrn, "actor": actor}
    return _log_page(request, services, caller, ACCESS, where, after, filters)


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
    filters = {"staff_id": staff_id, "outcome": outcome}
    return _log_page(request, services, caller, SIGN_INS, where, after, filters)


@router.get("/clinic-export")
def clinic_export(request: Request, caller: ClinicExporter, clinic: str = ""):
    """The whole clinic for an inspection (the API's /v1/clinics/{clinic}/export, NDJSON,
    each patient proven against one checkpoint): an auditor's own clinic, or the clinic a
    regulator names."""
    clinic = clinic.strip()[:100] or caller.clinic
    if not caller.sees(clinic) or clinic == "*":
        raise NotFoundError(f"no clinic {clinic}")
    return see_other(f"/v1/clinics/{quote(clinic, safe='')}/export")
