"""A whole clinic for an inspection: every patient, each proven complete against one
checkpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from api.http.auth import ClinicExporter
from api.http.routing import ClinicRoute
from api.http.services import ServicesDep
from domain.errors import NotFoundError
from infra.exports import export_clinic

router = APIRouter(prefix="/v1/clinics/{clinic}", tags=["exports"], route_class=ClinicRoute)

NDJSON = {200: {"description": "A first line naming the checkpoint and keys, then one line"
                " per patient with their events and proofs",
                "content": {"application/x-ndjson": {}}}}


@router.get("/export", response_class=StreamingResponse, responses=NDJSON)
def export_whole_clinic(clinic: Annotated[str, Path(min_length=1, max_length=100)],
                        caller: ClinicExporter, services: ServicesDep) -> StreamingResponse:
    """Every patient of the clinic, each proven complete against one checkpoint, as NDJSON
    (a regulator, or the clinic's own auditor); check it with `python -m api.verify_export`
    as it is, in constant memory."""
    if not caller.sees(clinic):
        raise NotFoundError(f"no clinic {clinic}")
    services.wait_for_log()
    return StreamingResponse(export_clinic(services.integrity, clinic),
                             media_type="application/x-ndjson")
