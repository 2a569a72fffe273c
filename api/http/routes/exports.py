"""The regulator's copy of a patient's history, with the proofs to check it offline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.formats import MEDIA_TYPES, Format, rendered
from api.http.auth import Exporter
from api.http.errors import PROBLEM, PROBLEM_SCHEMA, Problem
from api.http.routing import ClinicRoute
from api.http.schemas.common import DIGITS_ONLY, AsOf
from api.http.scope import PatientInScope
from api.http.services import ServicesDep
from infra.exports import export_patient

router = APIRouter(prefix="/v1/patients/{patient_id}", tags=["exports"],
                   route_class=ClinicRoute)
COPIES = {200: {"description": "The copy in the format asked for",
                "content": {media_type: {} for media_type in MEDIA_TYPES.values()}},
          409: {"description": "Not a copy the server can make: `since_checkpoint` names no"
                " checkpoint it holds, or a proven JSON export is asked `as_of` a past instant",
                "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}}}}


@router.get("/export", response_class=Response, responses=COPIES)
def export(patient: PatientInScope, caller: Exporter, services: ServicesDep,
           format: Annotated[Format, Query(
               description="json: the events as stored with their proofs; fhir: an R4 "
               "Bundle (application/fhir+json); html: a printable copy")] = "json",
           since_checkpoint: Annotated[int | None, Query(
               ge=0, le=2**62, description="Size of an earlier signed checkpoint you hold: "
               "adds the consistency proof from it"), DIGITS_ONLY] = None,
           as_of: AsOf = None) -> Response:
    """Every event of the patient as stored, each with its inclusion proof against a fresh
    signed checkpoint and the proof that none is left out (check it with `python -m
    api.verify_export EXPORT.json`), or the same snapshot of the history as FHIR or as a
    page to read and print. `as_of` (fhir, html): the record as it stood then; a proven
    JSON export always holds every entry up to its checkpoint, so it takes no `as_of`."""
    if as_of is not None and format == "json":
        raise Problem(409, "as_of_not_provable", "a JSON export proves every entry up to its"
                      " checkpoint; ask for format=html or fhir as of a past instant",
                      field="as_of")
    services.wait_for_log()
    document = export_patient(services.integrity, patient.id, since_checkpoint, as_of)
    return rendered(format, document, services.records)

