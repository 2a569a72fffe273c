"""What a clinician finds between screenings: an allergy, a condition (the API's own models
and use cases); a condition recorded means treatment waits for a new screening."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.datastructures import FormData

from api.http.auth import Caller, Screener
from api.http.schemas.patients import AllergyIn, ConditionIn
from api.http.scope import Owned, PatientInScope
from api.http.services import Records, ServicesDep
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import WebRoute, see_other
from api.web.routes.chart import chart_with
from domain.application import ClinicalRecords
from infra.services import Services

router = APIRouter(prefix="/patients/{patient_id}", route_class=WebRoute)


@dataclass(frozen=True)
class Finding:
    """A kind of finding: its form on the chart, the chart's section, the API's model."""

    form: str
    section: str
    model: type[BaseModel]


ALLERGY = Finding("allergy", "h-allergies", AllergyIn)
CONDITION = Finding("condition", "h-conditions", ConditionIn)


@dataclass(frozen=True)
class FindingForm:
    """A finding's form posted from the patient's chart, by a clinician who screens."""

    request: Request
    patient: Owned
    caller: Caller
    records: ClinicalRecords
    services: Services
    form: FormData

    def record(self, finding: Finding, values: dict, use_case: Callable[[Any], Any]):
        """Check the values with the API's model and record them with the use case; a
        refusal shows on the chart beside the finding's form, and nothing is recorded."""
        try:
            body = checked(finding.model, **values)
            done = recorded(lambda: use_case(body))
        except Refused as refused:
            return chart_with(
                self.request, self.records, self.services, self.patient.id, finding.form,
                values, refused,
            )  # fmt: skip
        return see_other(f"/patients/{self.patient.id}#{finding.section}", done)


def finding_form(
    request: Request,
    patient: PatientInScope,
    caller: Screener,
    records: Records,
    services: ServicesDep,
    form: Form,
) -> FindingForm:
    return FindingForm(request, patient, caller, records, services, form)


Posted = Annotated[FindingForm, Depends(finding_form)]


@router.post("/allergies")
def record_allergy(posted: Posted):
    """Record an allergy: every later mix is checked against it."""
    form, patient, actor = posted.form, posted.patient.id, posted.caller.actor
    values = {"substance": text(form, "substance"), "reaction": text(form, "reaction") or ""}
    return posted.record(
        ALLERGY,
        values,
        lambda body: posted.records.record_allergy(patient, body.substance, body.reaction, actor),
    )


@router.post("/conditions")
def record_condition(posted: Posted):
    """Record a condition; treatment waits for a new screening."""
    form, patient, actor = posted.form, posted.patient.id, posted.caller.actor
    values = {"condition": text(form, "condition"), "note": text(form, "note") or ""}
    return posted.record(
        CONDITION,
        values,
        lambda body: posted.records.record_condition(patient, body.condition, body.note, actor),
    )
