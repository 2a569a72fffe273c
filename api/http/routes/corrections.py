"""Corrections of a patient's own record: void a screening, allergy, condition, consent or
personal-data amendment made in error (a course's entries are voided on the course)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.http.auth import Corrector
from api.http.respond import patient_recorded
from api.http.routing import ClinicRoute
from api.http.schemas.common import PatientRecorded
from api.http.schemas.corrections import PatientVoidIn
from api.http.scope import PatientInScope
from api.http.services import ExpectedVersion, Records

router = APIRouter(prefix="/v1/patients", tags=["patients"], route_class=ClinicRoute)


@router.post("/{patient_id}/voids", status_code=201)
def void_patient_entry(patient: PatientInScope, body: PatientVoidIn, caller: Corrector,
                       records: Records, expected: ExpectedVersion,
                       response: Response) -> PatientRecorded:
    """Void a patient-level entry made in error: it stays in the history, the audit trail and
    every export, marked voided, and no rule reads it again (a voided allergy no longer
    blocks, a voided screening is not current, a voided consent allows nothing). A
    clinician voids any entry; a nurse her own, within 24 hours of recording it."""
    return patient_recorded(response, records.void_patient_entry(
        patient.id, body.version, body.reason, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason, kind=body.kind))
