"""Correcting a patient's personal data at the front desk: the new values and the reason;
the old values stay in the history."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import FrontDesk
from api.http.schemas.patients import AmendmentIn
from api.http.scope import PatientInScope
from api.http.services import Records
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import WebRoute, see_other
from api.web.routes.consents import consents_page_with

router = APIRouter(route_class=WebRoute)
FIELDS = ("name", "date_of_birth", "sex", "contact", "reason")


@router.post("/patients/{patient_id}/personal-data")
def correct_personal_data(
    request: Request, patient: PatientInScope, caller: FrontDesk, records: Records, form: Form
):
    """Record the corrected name, date of birth, sex or contact, with the reason."""
    values = {name: text(form, name) for name in FIELDS}
    try:
        body = checked(
            AmendmentIn,
            **values | {"contact": values["contact"] or "", "reason": values["reason"] or ""},
        )
        if not body.reason.strip():
            raise Refused({"reason": "say why the personal data is corrected"})
        done = recorded(
            lambda: records.amend_personal_data(
                patient.id, body.to_personal_data(), body.reason, caller.actor
            )
        )
    except Refused as refused:
        return consents_page_with(
            request,
            records,
            patient.id,
            correction=values,
            correction_errors=refused.fields,
            rule=refused.rule,
            status=422 if refused.fields else 409,
        )
    return see_other(f"/patients/{patient.id}/consents", done)
