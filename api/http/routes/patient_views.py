"""A patient's progress per area and their whole history (read from the views)."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.auth import ClinicalReader
from api.http.routing import ClinicRoute
from api.http.schemas.common import AsOf
from api.http.schemas.views import AreaProgressOut, HistoryEntryOut
from api.http.scope import PatientInScope
from api.http.services import NOT_YET_RECORDED, FreshViews, ServicesDep
from projections.area_progress import AreaProgress
from projections.area_progress.replay import progress_as_of
from projections.history import patient_history

router = APIRouter(prefix="/v1/patients/{patient_id}", tags=["progress and history"],
                   route_class=ClinicRoute, dependencies=[FreshViews],
                   responses=NOT_YET_RECORDED)


# These two return the view's rows as they are: FastAPI checks them against the response
# model once, on the way out (building the models here would check every row twice).

@router.get("/progress", response_model=list[AreaProgressOut])
def read_progress(patient: PatientInScope, caller: ClinicalReader, services: ServicesDep,
                  as_of: AsOf = None) -> list[dict]:
    """Per course and area (and side, under a bilateral plan): sessions, volume, points,
    formulation, scores, adverse events; now, or as recorded by `as_of`."""
    with services.views.transaction(write=False) as tx:
        if as_of is None:
            return AreaProgress.for_patient(tx, str(patient.id))
        return progress_as_of(tx, services.records, str(patient.id), as_of)


@router.get("/history", response_model=list[HistoryEntryOut])
def read_history(patient: PatientInScope, caller: ClinicalReader, services: ServicesDep,
                 as_of: AsOf = None) -> list[dict]:
    """Every entry of the patient and their courses in log order, voided and late ones
    marked; as recorded by `as_of`, if given."""
    with services.views.transaction(write=False) as tx:
        return patient_history(tx, services.records, str(patient.id), as_of=as_of)
