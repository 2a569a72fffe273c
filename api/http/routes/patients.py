"""Patients: register, search the directory, read the record, correct personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.http.auth import ClinicalReader, DirectoryReader, FrontDesk
from api.http.permissions import Permission, may
from api.http.respond import note_patients_read, patient_recorded, tagged
from api.http.routing import ClinicRoute
from api.http.schemas.common import DIGITS_ONLY, ONE_LINE, AsOf, PatientRecorded
from api.http.schemas.patients import AmendmentIn, RegistrationIn
from api.http.schemas.records import PatientOut
from api.http.schemas.views import DirectoryEntry
from api.http.scope import PatientInScope
from api.http.services import NOT_YET_RECORDED, ExpectedVersion, FreshViews, Records, ServicesDep
from domain.application import ClinicalRecords
from domain.patient import Patient
from domain.personal_data import PersonalData, PersonalDataErasedError

router = APIRouter(prefix="/v1/patients", tags=["patients"], route_class=ClinicRoute)


@router.post("", status_code=201)
def register_patient(body: RegistrationIn, caller: FrontDesk, records: Records,
                     response: Response) -> PatientRecorded:
    """Register a person with the caller's clinic; 409 if the MRN is taken there."""
    return patient_recorded(response, records.register_patient(
        caller.clinic, body.mrn, body.to_personal_data(), caller.actor, body.occurred_at,
        late_entry_reason=body.late_entry_reason))


@router.get("", dependencies=[FreshViews],
            responses=NOT_YET_RECORDED)
def search_patients(request: Request, caller: DirectoryReader, services: ServicesDep,
                    mrn: Annotated[str | None, Query(max_length=64, pattern=ONE_LINE)] = None,
                    q: Annotated[str | None, Query(
                        max_length=200, pattern=ONE_LINE, description="Words of the name:"
                        " each must be a word of it or the start of one (any case, any"
                        " accents)")] = None,
                    limit: Annotated[int, Query(ge=1, le=200), DIGITS_ONLY] = 50,
                    ) -> list[DirectoryEntry]:
    """The caller's clinic directory in MRN order, by MRN (case, spaces and dashes aside)
    and/or any words of the name. The screening result is clinical data: a caller who may
    not read that gets no `status`."""
    with services.views.transaction(write=False) as tx:
        rows = services.directory.search(tx, caller.clinic_filter, mrn, q, limit)
    note_patients_read(request, rows)
    withheld = {} if may(caller.role, Permission.READ_CLINICAL) else {"status": None}
    return [DirectoryEntry(**row | withheld) for row in rows]


@router.get("/{patient_id}")
def read_patient(patient: PatientInScope, caller: ClinicalReader, records: Records,
                 response: Response, as_of: AsOf = None) -> PatientOut:
    """The patient's record now, or replayed to how it stood at `as_of` (server time)."""
    found = records.patient(patient.id, as_of)
    tagged(response, found.version)
    return PatientOut.of(found, _personal_data(records, found, as_of))


@router.post("/{patient_id}/personal-data", status_code=201)
def amend_personal_data(patient: PatientInScope, body: AmendmentIn, caller: FrontDesk,
                        records: Records, expected: ExpectedVersion,
                        response: Response) -> PatientRecorded:
    """Correct name, date of birth, sex or contact; the old values stay in history."""
    return patient_recorded(response, records.amend_personal_data(
        patient.id, body.to_personal_data(), body.reason, caller.actor, body.occurred_at,
        expected,
        late_entry_reason=body.late_entry_reason, supersedes=body.supersedes))


def _personal_data(records: ClinicalRecords, patient: Patient,
                   as_of: datetime | None) -> PersonalData | None:
    try:
        return records.personal_data(patient.id, as_of)
    except PersonalDataErasedError:
        return None
