"""Clinic isolation: a record of another clinic is answered exactly like a missing one (404).

Resolving the patient behind a path also tells the access log whose data is being read.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from api.http.auth import Caller, authenticated
from api.http.services import Records
from domain.course import TreatmentCourse
from domain.errors import NotFoundError
from domain.patient import Patient

Authenticated = Annotated[Caller, Depends(authenticated)]


def _note_subject(request: Request, patient_id: UUID, clinic: str) -> None:
    request.state.subjects = [(str(patient_id), clinic)]


def visible_patient(patient_id: UUID, request: Request, caller: Authenticated,
                    records: Records) -> Patient:
    request.state.subjects = [(str(patient_id), None)]
    patient = records.patient(patient_id)
    _note_subject(request, patient.id, patient.clinic)
    if not caller.sees(patient.clinic):
        raise NotFoundError(f"no patient {patient_id}")
    return patient


def visible_course(course_id: UUID, request: Request, caller: Authenticated,
                   records: Records) -> TreatmentCourse:
    course = records.course(course_id)
    _note_subject(request, course.patient_id, course.clinic)
    if not caller.sees(course.clinic):
        raise NotFoundError(f"no course {course_id}")
    return course


PatientInScope = Annotated[Patient, Depends(visible_patient)]
CourseInScope = Annotated[TreatmentCourse, Depends(visible_course)]
