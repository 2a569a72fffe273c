"""Erasure of a patient's personal data, once the clinic's retention period has run."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.http.auth import Eraser
from api.http.respond import patient_recorded
from api.http.routing import ClinicRoute
from api.http.schemas.common import PatientRecorded
from api.http.schemas.patients import ErasureIn
from api.http.scope import PatientInScope
from api.http.services import ExpectedVersion, ServicesDep
from projections.audit_trail import AuditTrail

router = APIRouter(prefix="/v1/patients/{patient_id}", tags=["erasure"],
                   route_class=ClinicRoute)


@router.post("/erasure", status_code=201)
def erase(patient: PatientInScope, body: ErasureIn, caller: Eraser, services: ServicesDep,
          expected: ExpectedVersion, response: Response) -> PatientRecorded:
    """Destroy the patient's key: their name, birth date and contact become unreadable while
    every hash and proof stays valid. While the retention period after the last entry runs,
    409 (rule retention_period_running) — and the refused request is recorded."""
    services.wait_for_log()
    with services.views.transaction(write=False) as tx:
        last = AuditTrail.last_entry_at(tx, str(patient.id))
    return patient_recorded(response, services.records.request_erasure(
        patient.id, body.reason, last or services.clock(), caller.actor, expected))
