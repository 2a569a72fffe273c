"""Clinic isolation: a record of another clinic is answered exactly like a missing one (404).

Resolving the patient behind a path also tells the access log whose data is being read.
Whose a record is never changes, so after the first request it costs no database read;
a route that needs the record's state reads it itself.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from api.http.auth import resolved_caller
from domain.course import TreatmentCourse
from domain.errors import NotFoundError
from domain.patient import Patient
from infra.owners import Owned, Owners


async def _visible(kind: type[Patient | TreatmentCourse], record_id: UUID,
                   request: Request) -> Owned:
    caller = await resolved_caller(request)
    owners: Owners = request.app.state.services.owners
    request.state.subjects = [(str(record_id), None)] if kind is Patient else None
    owned = owners.known(kind, record_id) or await run_in_threadpool(owners.of, kind, record_id)
    request.state.subjects = [(str(owned.patient_id), owned.clinic)]
    if not caller.sees(owned.clinic):
        raise NotFoundError(f"no {kind.__name__} {record_id}")
    return owned


async def visible_patient(patient_id: UUID, request: Request) -> Owned:
    return await _visible(Patient, patient_id, request)


async def visible_course(course_id: UUID, request: Request) -> Owned:
    return await _visible(TreatmentCourse, course_id, request)


PatientInScope = Annotated[Owned, Depends(visible_patient)]
CourseInScope = Annotated[Owned, Depends(visible_course)]
