"""Screening, and what is found between screenings: allergies and conditions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.http.auth import Screener
from api.http.respond import patient_recorded, tagged
from api.http.routing import ClinicRoute
from api.http.schemas.common import Name, PatientRecorded, ScreeningRecordedOut
from api.http.schemas.patients import AllergyIn, ConditionIn, ResolutionIn, ScreeningIn
from api.http.scope import PatientInScope
from api.http.services import ExpectedVersion, Records

router = APIRouter(prefix="/v1/patients/{patient_id}", tags=["screening"],
                   route_class=ClinicRoute)


@router.post("/screenings", status_code=201)
def screen_patient(patient: PatientInScope, body: ScreeningIn, caller: Screener,
                   records: Records, expected: ExpectedVersion,
                   response: Response) -> ScreeningRecordedOut:
    """Screen the patient: the result (eligible or not) and its reasons are recorded."""
    recorded = records.screen(patient.id, body.to_answers(), caller.actor, body.occurred_at,
                              expected, late_entry_reason=body.late_entry_reason)
    tagged(response, recorded.version)
    return ScreeningRecordedOut.of(recorded, recorded.result, recorded.reasons)


@router.post("/allergies", status_code=201)
def record_allergy(patient: PatientInScope, body: AllergyIn, caller: Screener,
                   records: Records, expected: ExpectedVersion,
                   response: Response) -> PatientRecorded:
    """Record an allergy found between screenings."""
    return patient_recorded(response, records.record_allergy(
        patient.id, body.substance, body.reaction, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))


@router.post("/conditions", status_code=201)
def record_condition(patient: PatientInScope, body: ConditionIn, caller: Screener,
                     records: Records, expected: ExpectedVersion,
                     response: Response) -> PatientRecorded:
    """Record a condition found between screenings; treatment waits for a new screening."""
    return patient_recorded(response, records.record_condition(
        patient.id, body.condition, body.note, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))


@router.post("/conditions/{condition}/resolution", status_code=201)
def resolve_condition(patient: PatientInScope, condition: Annotated[Name, Path()],
                      body: ResolutionIn, caller: Screener, records: Records,
                      expected: ExpectedVersion, response: Response) -> PatientRecorded:
    """Record that a condition has resolved."""
    return patient_recorded(response, records.resolve_condition(
        patient.id, condition, body.reason, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))
