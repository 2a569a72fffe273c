"""Small helpers for handlers: what a write returns, with its ETag; whose data a list read."""

from __future__ import annotations

from fastapi import Request, Response

from api.http.schemas.common import CourseRecorded, PatientRecorded
from domain.application import Recorded


def tagged(response: Response, version: int) -> None:
    """Put the record's version in the ETag (send it back as If-Match to write safely)."""
    response.headers["ETag"] = f'"{version}"'


def patient_recorded(response: Response, recorded: Recorded) -> PatientRecorded:
    tagged(response, recorded.version)
    return PatientRecorded.of(recorded)


def course_recorded(response: Response, recorded: Recorded) -> CourseRecorded:
    tagged(response, recorded.version)
    return CourseRecorded.of(recorded)


def note_patients_read(request: Request, rows: list[dict]) -> None:
    """Tell the access log whose data a list read returned (each patient once)."""
    subjects = dict.fromkeys((str(r["patient_id"]), r["clinic"]) for r in rows)
    request.state.subjects = list(subjects) or None
