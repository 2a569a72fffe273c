"""Consents: give one, withdraw one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.http.auth import ConsentTaker
from api.http.respond import patient_recorded
from api.http.routing import ClinicRoute
from api.http.schemas.common import PatientRecorded
from api.http.schemas.patients import ConsentIn, WithdrawalIn
from api.http.schemas.terms import ConsentScope
from api.http.scope import PatientInScope
from api.http.services import ExpectedVersion, Records

router = APIRouter(prefix="/v1/patients/{patient_id}/consents", tags=["consents"],
                   route_class=ClinicRoute)


@router.post("", status_code=201)
def give_consent(patient: PatientInScope, body: ConsentIn, caller: ConsentTaker,
                 records: Records, expected: ExpectedVersion,
                 response: Response) -> PatientRecorded:
    """Record a signed consent (treatment, photography or data sharing)."""
    return patient_recorded(response, records.give_consent(
        patient.id, body.to_consent(), caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))


@router.post("/{scope}/withdrawal", status_code=201)
def withdraw_consent(patient: PatientInScope, scope: Annotated[ConsentScope, Path()],
                     body: WithdrawalIn, caller: ConsentTaker, records: Records,
                     expected: ExpectedVersion, response: Response) -> PatientRecorded:
    """Record that the patient withdrew a consent; treatment needs a new one."""
    return patient_recorded(response, records.withdraw_consent(
        patient.id, scope, body.reason, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))
