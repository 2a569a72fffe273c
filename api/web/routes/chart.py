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
    found = records.patient(patient.id)
    record = PatientOut.of(found, _personal_data(records, found, None))
    with services.views.transaction(write=False) as tx:
        areas = AreaProgress.for_patient(tx, str(patient.id))
    courses = [list(rows) for _, rows in groupby(areas, key=lambda row: row["course_id"])]
    return render(request, "chart.html", title=_title(record), record=record, courses=courses)


def _title(record: PatientOut) -> str:
    name = record.personal_data.name if record.personal_data else "[erased]"
    return f"{name} ({record.mrn})"
