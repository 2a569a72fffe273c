"""The patient's chart: what a clinician reads before treating (the API's own record read
and the area_progress view)."""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter, Request

from api.http.auth import ClinicalReader
from api.http.routes.patients import _personal_data
from api.http.schemas.records import PatientOut
from api.http.scope import PatientInScope
from api.http.services import Records, ServicesDep
from api.web.pages import FreshViews, WebRoute, render
from api.web.voided import voided_on_chart
from projections.area_progress import AreaProgress

router = APIRouter(route_class=WebRoute)


@router.get("/patients/{patient_id}", dependencies=[FreshViews])
def chart(
    request: Request,
    patient: PatientInScope,
    caller: ClinicalReader,
    records: Records,
    services: ServicesDep,
):
    """Consents, the latest screening and eligibility, allergies, conditions, courses."""
    return _chart(request, records, services, patient.id)


def chart_with(request, records, services, patient_id, form: str, values: dict, refused):
    """The chart with one of its forms refused, as it was sent."""
    return _chart(
        request,
        records,
        services,
        patient_id,
        values={form: values},
        errors={form: refused.fields},
        rules={form: refused.rule},
        status=422 if refused.fields else 409,
    )


def _chart(
    request, records, services, patient_id, values=None, errors=None, rules=None, status: int = 200
):
    found = records.patient(patient_id)
    record = PatientOut.of(found, _personal_data(records, found, None))
    with services.views.transaction(write=False) as tx:
        areas = AreaProgress.for_patient(tx, str(patient_id))
        struck = voided_on_chart(tx, records, str(patient_id))
    courses = [list(rows) for _, rows in groupby(areas, key=lambda row: row["course_id"])]
    return render(
        request,
        "chart.html",
        status=status,
        title=_title(record),
        record=record,
        courses=courses,
        struck=struck,
        values=values or {},
        errors=errors or {},
        rules=rules or {},
    )


def _title(record: PatientOut) -> str:
    name = record.personal_data.name if record.personal_data else "[erased]"
    return f"{name} ({record.mrn})"
