"""The regulator's copy of a patient's history, with the proofs to check it offline."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.http.auth import Exporter
from api.http.routing import ClinicRoute
from api.http.scope import PatientInScope
from api.http.services import ServicesDep
from infra.exports import export_patient

router = APIRouter(prefix="/v1/patients/{patient_id}", tags=["exports"],
                   route_class=ClinicRoute)


@router.get("/export")
def export(patient: PatientInScope, caller: Exporter, services: ServicesDep,
           format: Annotated[Literal["json"], Query(
               description="json: the events as stored with their proofs")] = "json",
           since_checkpoint: Annotated[int | None, Query(
               ge=0, le=2**62, description="Size of an earlier signed checkpoint you hold: "
               "adds the consistency proof from it")] = None) -> dict[str, Any]:
    """Every event of the patient as stored, each with its inclusion proof against a fresh
    signed checkpoint; check it with `python -m api.verify_export EXPORT.json`."""
    services.wait_for_log()
    return export_patient(services.integrity, patient.id, since_checkpoint)
