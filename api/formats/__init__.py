"""The regulator's copies of a patient's history, all from one export document: the JSON
export with its proofs, a FHIR R4 Bundle and a printable page."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.formats.fhir import FHIR_JSON, fhir_bundle
from api.formats.html import HTML, html_copy
from domain.application import ClinicalRecords
from domain.personal_data import PersonalData, PersonalDataErasedError

Format = Literal["json", "fhir", "html"]
MEDIA_TYPES: dict[str, str] = {"json": "application/json", "fhir": FHIR_JSON, "html": HTML}


def rendered(format: Format, export: dict, records: ClinicalRecords) -> Response:
    """The export in the format asked for."""
    if format == "json":
        return JSONResponse(export)
    person = person_in(records, export)
    if format == "fhir":
        return Response(fhir_bundle(export, person).model_dump_json(), media_type=FHIR_JSON)
    return HTMLResponse(html_copy(export, person), media_type=HTML)


def person_in(records: ClinicalRecords, export: dict) -> PersonalData | None:
    """The patient's personal data as it stood at the export's last patient entry (None
    once erased)."""
    last = max((e["recorded_at"] for e in export["history"] if e["record_type"] == "Patient"),
               default=None, key=datetime.fromisoformat)
    try:
        return records.personal_data(UUID(export["patient_id"]),
                                     datetime.fromisoformat(last) if last else None)
    except PersonalDataErasedError:
        return None
