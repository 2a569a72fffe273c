"""Electronic signatures: sign an entry of a patient's or course's record (the password asked
again every time), revoke a signature with a reason, a clinician's co-signature queue,
everything awaiting one's signature, and the entries left unsigned, for auditors."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from api.http.auth import Caller, Signer, UnsignedReader
from api.http.errors import Problem
from api.http.respond import course_recorded, patient_recorded
from api.http.routing import ClinicRoute
from api.http.schemas.common import CourseRecorded, PatientRecorded
from api.http.schemas.signatures import RevocationIn, SignatureIn, ToSign
from api.http.scope import CourseInScope, PatientInScope
from api.http.services import FreshViews, ServicesDep
from domain.values import Actor
from infra.services import Services
from projections.to_sign import ToSign as ToSignView

router = APIRouter(prefix="/v1", tags=["signatures"], route_class=ClinicRoute)


@router.post("/patients/{patient_id}/signatures", status_code=201)
def sign_patient_entry(patient: PatientInScope, body: SignatureIn, caller: Signer,
                       request: Request, services: ServicesDep,
                       response: Response) -> PatientRecorded:
    """Sign one entry of the patient's record: your password (and code) again, every time."""
    signer = confirmed_signer(request, services, caller, body)
    return patient_recorded(response, services.records.sign_entry(
        patient.id, body.version, body.meaning, signer))


@router.post("/courses/{course_id}/signatures", status_code=201)
def sign_course_entry(course: CourseInScope, body: SignatureIn, caller: Signer,
                      request: Request, services: ServicesDep,
                      response: Response) -> CourseRecorded:
    """Sign one entry of the course: your password (and code) again, every time; a
    co-signature only by the supervisor the entry names."""
    signer = confirmed_signer(request, services, caller, body)
    return course_recorded(response, services.records.sign_entry(
        course.id, body.version, body.meaning, signer))


@router.post("/patients/{patient_id}/signatures/{version}/revocations", status_code=201)
def revoke_patient_signature(patient: PatientInScope, version: int, body: RevocationIn,
                             caller: Signer, services: ServicesDep,
                             response: Response) -> PatientRecorded:
    """Revoke a signature (its signer or a clinician), with a reason; it stays in history."""
    return patient_recorded(response, services.records.revoke_signature(
        patient.id, version, body.reason, caller.actor))


@router.post("/courses/{course_id}/signatures/{version}/revocations", status_code=201)
def revoke_course_signature(course: CourseInScope, version: int, body: RevocationIn,
                            caller: Signer, services: ServicesDep,
                            response: Response) -> CourseRecorded:
    """Revoke a signature (its signer or a clinician), with a reason; it stays in history."""
    return course_recorded(response, services.records.revoke_signature(
        course.id, version, body.reason, caller.actor))


@router.get("/signatures/queue", dependencies=[FreshViews])
def to_sign_queue(caller: Signer, services: ServicesDep) -> list[ToSign]:
    """The nurses' entries naming you as supervisor that still lack your co-signature."""
    with services.views.transaction(write=False) as tx:
        return [ToSign(**row) for row in ToSignView.queue(tx, caller.id, caller.clinic)]


@router.get("/signatures/awaiting", dependencies=[FreshViews])
def awaiting_signature(caller: Signer, services: ServicesDep) -> list[ToSign]:
    """Everything awaiting your signature, oldest first: your own entries lacking your
    authorship, and the nurses' entries naming you that lack your co-signature (what the
    web app's To sign page lists)."""
    with services.views.transaction(write=False) as tx:
        return [ToSign(**row) for row in ToSignView.awaiting(tx, caller.id, caller.clinic)]


@router.get("/signatures/unsigned", dependencies=[FreshViews])
def unsigned_entries(caller: UnsignedReader, services: ServicesDep) -> list[ToSign]:
    """Entries of clinicians and nurses still unsigned (no authorship by their author, or
    no co-signature by the supervisor they name) after the clinic's number of days."""
    before = services.clock() - timedelta(days=services.settings.unsigned_after_days)
    with services.views.transaction(write=False) as tx:
        return [ToSign(**row) for row in ToSignView.unsigned(
            tx, caller.clinic_filter, before.isoformat())]


def confirmed_signer(request: Request, services: Services, caller: Caller,
                     body: SignatureIn) -> Actor:
    """The signer: the caller's staff account, once its password (and code) is given again;
    signed with the account's printed name."""
    if services.staff is None:
        raise Problem(403, "not_a_staff_account", "only a staff account can sign")
    staff = services.staff.sign_in.confirm(caller.id, body.password, body.totp,
                                           client=request.client and request.client.host,
                                           purpose="signature")
    return Actor(str(staff.id), staff.name, caller.role)
