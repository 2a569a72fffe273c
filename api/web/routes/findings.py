"""What a clinician finds between screenings: an allergy, a condition (the API's own models
and use cases); a condition recorded means treatment waits for a new screening."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import Screener
from api.http.schemas.patients import AllergyIn, ConditionIn
from api.http.scope import PatientInScope
from api.http.services import Records, ServicesDep
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import WebRoute, see_other
from api.web.routes.chart import chart_with

router = APIRouter(prefix="/patients/{patient_id}", route_class=WebRoute)


@router.post("/allergies")
def record_allergy(
    request: Request,
    patient: PatientInScope,
    caller: Screener,
    records: Records,
    services: ServicesDep,
    form: Form,
):
    """Record an allergy: every later mix is checked against it."""
    values = {"substance": text(form, "substance"), "reaction": text(form, "reaction") or ""}
    try:
        body = checked(AllergyIn, **values)
        done = recorded(
            lambda: records.record_allergy(patient.id, body.substance, body.reaction, caller.actor)
        )
    except Refused as refused:
        return chart_with(request, records, services, patient.id, "allergy", values, refused)
    return see_other(f"/patients/{patient.id}#h-allergies", done)


@router.post("/conditions")
def record_condition(
    request: Request,
    patient: PatientInScope,
    caller: Screener,
    records: Records,
    services: ServicesDep,
    form: Form,
):
    """Record a condition; treatment waits for a new screening."""
    values = {"condition": text(form, "condition"), "note": text(form, "note") or ""}
    try:
        body = checked(ConditionIn, **values)
        done = recorded(
            lambda: records.record_condition(patient.id, body.condition, body.note, caller.actor)
        )
    except Refused as refused:
        return chart_with(request, records, services, patient.id, "condition", values, refused)
    return see_other(f"/patients/{patient.id}#h-conditions", done)
