"""Screening: the whole contraindication checklist answered, an override justified."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import Screener
from api.http.schemas.patients import ScreeningIn
from api.http.scope import PatientInScope
from api.http.services import Records
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import WebRoute, render, see_other
from domain.vocabulary import CONTRAINDICATIONS, FITZPATRICK_TYPES, INDICATIONS

router = APIRouter(route_class=WebRoute)
ANSWERS = {"yes": True, "no": False}


@router.get("/patients/{patient_id}/screening")
def screening_form(request: Request, patient: PatientInScope, caller: Screener, records: Records):
    return _form(request, records, patient.id, {}, {})


@router.post("/patients/{patient_id}/screening")
def screen(
    request: Request, patient: PatientInScope, caller: Screener, records: Records, form: Form
):
    """Record the screening; the result and its reasons show on the chart."""
    values = {
        "indications": form.getlist("indications"),
        "fitzpatrick_type": text(form, "fitzpatrick_type"),
        "allergies": [a.strip() for a in (text(form, "allergies") or "").split(",") if a.strip()],
        "override_justification": text(form, "override_justification"),
    }
    answers = {code: form.get(f"ci-{code}") for code in CONTRAINDICATIONS}
    try:
        unanswered = {
            f"contraindications.{code}": "answer yes or no"
            for code, answer in answers.items()
            if answer not in ANSWERS
        }
        if unanswered:
            raise Refused(unanswered)
        body = checked(
            ScreeningIn,
            **values,
            contraindications={code: ANSWERS[answer] for code, answer in answers.items()},
        )
        done = recorded(lambda: records.screen(patient.id, body.to_answers(), caller.actor))
    except Refused as refused:
        return _form(
            request,
            records,
            patient.id,
            values | {"answers": answers},
            refused.fields,
            refused.rule,
            status=422 if refused.fields else 409,
        )
    return see_other(f"/patients/{patient.id}", done)


def _form(
    request: Request,
    records: Records,
    patient_id,
    values: dict,
    errors: dict,
    rule: str | None = None,
    status: int = 200,
):
    return render(
        request,
        "screening.html",
        status=status,
        title="Screening",
        patient=records.patient(patient_id),
        values=values,
        errors=errors,
        rule=rule,
        indications=INDICATIONS,
        checklist=CONTRAINDICATIONS,
        skin_types=sorted(FITZPATRICK_TYPES),
    )
