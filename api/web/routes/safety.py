"""Safety for the clinic and the regulator: lot signals, recalls with their exposure lists
and the contacts made, and the outcomes registry. Each page asks the API's own route for
its answer (the same views, rules and clinic scope as /v1/signals, /v1/recalls and
/v1/outcomes); this module only lays it out."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request

from api.http.auth import ExposedContacter, LotRecaller, LotTracer, OutcomesReader, SignalReader
from api.http.errors import Problem
from api.http.routes import outcomes, recalls, signals
from api.http.schemas.safety import ContactIn, RecallIn
from api.http.services import Records, ServicesDep
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.outcome_chart import by_sessions
from api.web.own_patients import named_in_own_clinic
from api.web.pages import FreshViews, WebRoute, render, see_other
from domain.errors import NotFoundError

router = APIRouter(route_class=WebRoute)


def exposures_page(product: str, lot: str) -> str:
    return "/recalls/exposures?" + urlencode({"product": product, "lot": lot})


@router.get("/signals", dependencies=[FreshViews])
def safety_signals(request: Request, caller: SignalReader, services: ServicesDep):
    """Every lot with its figures, the ones raising a signal first; each one step from
    the patients exposed to it."""
    found = signals.safety_signals(caller, services)
    return render(
        request, "signals.html", title="Safety signals", found=found, exposures=exposures_page
    )


@router.get("/recalls", dependencies=[FreshViews])
def recall_list(request: Request, caller: LotTracer, services: ServicesDep):
    """The recalls in force; a clinician or regulator recalls a lot here."""
    return _recalls(request, caller, services)


def _recalls(request, caller, services, values=None, errors=None, rule=None, status=200):
    found = recalls.list_recalls(caller, services)
    return render(
        request,
        "recalls.html",
        status=status,
        title="Recalls",
        found=found,
        exposures=exposures_page,
        values=values or {},
        errors=errors or {},
        rule=rule,
    )


@router.post("/recalls")
def recall_lot(
    request: Request, caller: LotRecaller, records: Records, services: ServicesDep, form: Form
):
    """Recall a product's lot (in the clinic; a regulator: in every clinic)."""
    values = {name: text(form, name) or "" for name in ("product", "lot", "reason")}
    try:
        body = checked(RecallIn, **values)
        done = recorded(lambda: recalls.recall_lot(body, caller, records))
    except Refused as refused:
        return _recalls(
            request,
            caller,
            services,
            values,
            refused.fields,
            refused.rule,
            422 if refused.fields else 409,
        )
    return see_other(exposures_page(body.product, body.lot), done)


@router.get("/recalls/exposures", dependencies=[FreshViews])
def recall_exposures(
    request: Request, caller: LotTracer, services: ServicesDep, product: str = "", lot: str = ""
):
    """Every injection of the lot (voided ones marked), with the contacts made."""
    return _exposures(request, caller, services, product, lot)


def _exposures(request, caller, services, product, lot, errors=None, rule=None, status=200):
    product, lot = product.strip()[:200], lot.strip()[:64]
    if not product or not lot:
        raise Problem(422, "invalid_request", "name the product and the lot")
    rows = recalls.recall_exposures(product, lot, request, caller, services)
    csv = recalls.exposures_link(product, lot) + "&format=csv"
    return render(
        request,
        "recall_exposures.html",
        status=status,
        title=f"Exposed to {product} lot {lot}",
        product=product,
        lot=lot,
        rows=rows,
        named=named_in_own_clinic(services, caller, ((r.patient_id, r.clinic) for r in rows)),
        csv=csv,
        errors=errors or {},
        rule=rule,
    )


@router.post("/recalls/contacts")
def record_contact(
    request: Request, caller: ExposedContacter, records: Records, services: ServicesDep, form: Form
):
    """Record an attempt to reach an exposed patient (the API's own use case)."""
    product, lot = text(form, "product") or "", text(form, "lot") or ""
    patient_id = text(form, "patient_id") or ""
    try:
        body = checked(
            ContactIn,
            product=product,
            lot=lot,
            method=text(form, "method") or "",
            reached=form.get("reached") == "yes",
        )
        patient = records.patient(_uuid(patient_id))
        if not caller.sees(patient.clinic):
            raise NotFoundError(f"no patient {patient_id}")
        done = recorded(
            lambda: records.record_recall_contact(
                body.to_lot(), patient.id, body.method, body.reached, caller.actor
            )
        )
    except Refused as refused:
        return _exposures(
            request,
            caller,
            services,
            product,
            lot,
            refused.fields,
            refused.rule,
            422 if refused.fields else 409,
        )
    return see_other(exposures_page(product, lot), done)


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Refused({"patient_id": "not a patient id"}) from None


@router.get("/outcomes", dependencies=[FreshViews])
def outcomes_registry(request: Request, caller: OutcomesReader, services: ServicesDep):
    """How treated areas changed from baseline by sessions done, one table per
    indication, area and scale, with the note on what observational data can show."""
    found = outcomes.outcomes_registry(caller, services)
    return render(
        request,
        "outcomes.html",
        title="Outcomes registry",
        found=found,
        tables=by_sessions(found.cells),
    )
