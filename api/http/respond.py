"""Small helpers for handlers: what a write returns, with its ETag; whose data a list read."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from api.http.schemas.common import CourseRecorded, PatientRecorded, ScreeningRecordedOut
from api.http.schemas.outcomes import ProtocolRecorded
from api.http.schemas.safety import ProductRecorded, RecallRecorded
from domain.application import ClinicalRecords, Recorded
from domain.patient import Patient
from domain.product_catalogue import CatalogueProduct
from domain.protocol import Protocol
from domain.recall import Recall


def tagged(response: Response, version: int) -> None:
    """Put the record's version in the ETag (send it back as If-Match to write safely)."""
    response.headers["ETag"] = f'"{version}"'


def patient_recorded(response: Response, recorded: Recorded) -> PatientRecorded:
    tagged(response, recorded.version)
    return PatientRecorded.of(recorded)


def course_recorded(response: Response, recorded: Recorded) -> CourseRecorded:
    tagged(response, recorded.version)
    return CourseRecorded.of(recorded)


def recorded_answer(records: ClinicalRecords, recorded: Recorded) -> Response:
    """The 201 a write gives for the entry it recorded, rebuilt from that entry (for a retry
    whose first request recorded it but never answered: its server died in between)."""
    entry = records.entry(recorded.id, recorded.version)
    match entry:
        case Patient.Screened():
            body = ScreeningRecordedOut.of(recorded, entry.screening.result,
                                           entry.screening.reasons)
        case Patient.Event():
            body = PatientRecorded.of(recorded)
        case Recall.Event():
            body = RecallRecorded.of(recorded)
        case Protocol.Event():
            body = ProtocolRecorded.of(recorded)
        case CatalogueProduct.Event():
            body = ProductRecorded.of(recorded)
        case _:
            body = CourseRecorded.of(recorded)
    response = JSONResponse(body.model_dump(mode="json"), status_code=201)
    tagged(response, recorded.version)
    return response


def note_patients_read(request: Request, rows: list[dict]) -> None:
    """Tell the access log whose data a list read returned (each patient once)."""
    subjects = dict.fromkeys((str(r["patient_id"]), r["clinic"]) for r in rows)
    request.state.subjects = list(subjects) or None
