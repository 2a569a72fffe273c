"""Staff accounts: an admin looks after their clinic's; anyone enrols their own second
factor and changes their own password."""

from __future__ import annotations

from uuid import UUID

import pyotp
from fastapi import APIRouter, Request

from api.http.auth import Caller, StaffAdmin, caller_in
from api.http.routing import ProblemRoute
from api.http.schemas.staff import (
    ConfirmIn,
    NewStaffOut,
    OwnPasswordIn,
    PasswordIn,
    ReasonIn,
    RoleIn,
    RoleRevocationIn,
    SecondFactorOut,
    StaffIn,
    StaffOut,
    StaffPage,
    StaffRecorded,
)
from api.http.services import FreshViews, ServicesDep
from domain.errors import NotFoundError
from domain.record_keeping import Recorded
from infra.services import Services
from infra.staff_accounts import StaffStatus
from projections.staff_list import StaffList

router = APIRouter(prefix="/v1/staff", tags=["staff"], route_class=ProblemRoute)


@router.post("/me/totp", status_code=201)
def enrol_own_second_factor(body: ConfirmIn, request: Request,
                            services: ServicesDep) -> SecondFactorOut:
    """Enrol (or replace) your authenticator app, confirming with your password: from
    now on signing in asks for its code. The secret is shown this once."""
    me = _me(request, services, body.password)
    recorded, secret = services.staff.accounts.enrol_second_factor(me.id,
                                                                   caller_in(request).actor)
    uri = pyotp.TOTP(secret).provisioning_uri(name=me.email, issuer_name="mesoledger")
    return SecondFactorOut(**_recorded(recorded), totp_secret=secret, otpauth_uri=uri)


@router.post("/me/password", status_code=201)
def change_own_password(body: OwnPasswordIn, request: Request,
                        services: ServicesDep) -> StaffRecorded:
    """Change your password, giving the current one."""
    me = _me(request, services, body.current_password)
    return StaffRecorded(**_recorded(services.staff.accounts.set_password(
        me.id, body.password, caller_in(request).actor)))


@router.get("", dependencies=[FreshViews])
def list_staff(caller: StaffAdmin, services: ServicesDep) -> StaffPage:
    """The accounts of your clinic, active or not."""
    with services.views.transaction(write=False) as tx:
        return StaffPage(staff=StaffList.of_clinic(tx, caller.clinic))


@router.post("", status_code=201)
def add_staff(body: StaffIn, caller: StaffAdmin, services: ServicesDep) -> NewStaffOut:
    """Open an account in your clinic with a first password. An admin's account comes with
    a second factor, its secret shown this once."""
    new = services.staff.accounts.add(caller.clinic, body.name, body.email, body.roles,
                                      body.password, caller.actor)
    uri = new.totp_secret and pyotp.TOTP(new.totp_secret).provisioning_uri(
        name=body.email, issuer_name="mesoledger")
    return NewStaffOut(**_recorded(new.recorded), totp_secret=new.totp_secret,
                       otpauth_uri=uri)


@router.get("/{staff_id}")
def read_staff(staff_id: UUID, caller: StaffAdmin, services: ServicesDep) -> StaffOut:
    """One account of your clinic, as it stands now."""
    staff = _of_clinic(services, staff_id, caller)
    return StaffOut(staff_id=staff.id, clinic=staff.clinic, name=staff.name,
                    email=staff.email, roles=list(staff.roles), active=staff.active,
                    second_factor=staff.second_factor)


@router.post("/{staff_id}/roles", status_code=201)
def grant_role(staff_id: UUID, body: RoleIn, caller: StaffAdmin,
               services: ServicesDep) -> StaffRecorded:
    """Let the account act in one more role (admin: only with a second factor)."""
    _of_clinic(services, staff_id, caller)
    return _answer(services.records.grant_role(staff_id, body.role, caller.actor))


@router.post("/{staff_id}/role-revocations", status_code=201)
def revoke_role(staff_id: UUID, body: RoleRevocationIn, caller: StaffAdmin,
                services: ServicesDep) -> StaffRecorded:
    """Take a role away, with a reason; tokens for that role stop working at once."""
    _of_clinic(services, staff_id, caller)
    return _answer(services.records.revoke_role(staff_id, body.role, body.reason,
                                                caller.actor))


@router.post("/{staff_id}/deactivation", status_code=201)
def deactivate(staff_id: UUID, body: ReasonIn, caller: StaffAdmin,
               services: ServicesDep) -> StaffRecorded:
    """Close the account: its tokens and sessions stop working at once."""
    _of_clinic(services, staff_id, caller)
    return _answer(services.staff.accounts.deactivate(staff_id, body.reason, caller.actor,
                                                      services.clock()))


@router.post("/{staff_id}/reactivation", status_code=201)
def reactivate(staff_id: UUID, body: ReasonIn, caller: StaffAdmin,
               services: ServicesDep) -> StaffRecorded:
    """Open a closed account again."""
    _of_clinic(services, staff_id, caller)
    return _answer(services.records.reactivate_staff(staff_id, body.reason, caller.actor))


@router.post("/{staff_id}/password", status_code=201)
def reset_password(staff_id: UUID, body: PasswordIn, caller: StaffAdmin,
                   services: ServicesDep) -> StaffRecorded:
    """Set a new password for the account (tell its owner to change it); its sessions
    end."""
    _of_clinic(services, staff_id, caller)
    return _answer(services.staff.accounts.reset_password(staff_id, body.password,
                                                          caller.actor, services.clock()))


def _of_clinic(services: Services, staff_id: UUID, caller: Caller) -> StaffStatus:
    staff = services.staff.accounts.status(staff_id)
    if staff is None or staff.clinic != caller.clinic:
        raise NotFoundError(f"no staff member {staff_id}")
    return staff


def _me(request: Request, services: Services, password: str) -> StaffStatus:
    """The caller's own account, once the password given is its password (a wrong one
    counts toward the lockout, as a failed sign-in)."""
    return services.staff.sign_in.confirm(caller_in(request).id, password,
                                          client=request.client and request.client.host,
                                          purpose="own account")


def _recorded(recorded: Recorded) -> dict:
    return {"staff_id": recorded.id, "version": recorded.version,
            "position": recorded.position}


def _answer(recorded: Recorded) -> StaffRecorded:
    return StaffRecorded(**_recorded(recorded))
