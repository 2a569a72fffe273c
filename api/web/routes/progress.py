"""Per-area progress as pictures a clinician would show the patient (from the
area_progress view, as the API's progress read)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import ClinicalReader
from api.http.scope import PatientInScope
from api.http.services import Records, ServicesDep
from api.web.pages import FreshViews, WebRoute, render
from api.web.progress_charts import charts_of
from projections.area_progress import AreaProgress

router = APIRouter(route_class=WebRoute)


@router.get("/patients/{patient_id}/progress", dependencies=[FreshViews])
def progress(
    request: Request,
    patient: PatientInScope,
    caller: ClinicalReader,
    records: Records,
    services: ServicesDep,
):
    """For each area and side: score by session per scale, volume, where the mix changed."""
    with services.views.transaction(write=False) as tx:
        areas = AreaProgress.for_patient(tx, str(patient.id))
        entries = AreaProgress.entries_of(tx, list(dict.fromkeys(a["course_id"] for a in areas)))
    return render(
        request,
        "progress.html",
        title="Progress",
        patient=records.patient(patient.id),
        charts=charts_of(areas, entries),
    )
