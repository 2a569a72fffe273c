"""The clinic's staff accounts, for its admin: add, grant or take away a role, deactivate,
reset a password. The same
account use cases as /v1/staff; an admin sees no patient data."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from api.http.auth import StaffAdmin
from api.http.routes.staff import _of_clinic
from api.http.schemas.staff import PasswordIn, ReasonIn, RoleIn, RoleRevocationIn, StaffIn
from api.http.services import ServicesDep
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import FreshViews, WebRoute, render, see_other
from domain.vocabulary import ROLES
from projections.staff_list import StaffList

router = APIRouter(prefix="/staff", route_class=WebRoute)
ALL_ROLES = sorted(ROLES | {"admin"})


@router.get("", dependencies=[FreshViews])
def staff_page(request: Request, caller: StaffAdmin, services: ServicesDep):
    """The accounts of the admin's clinic, and a form to open another."""
    return _page(request, services, caller)


@router.post("")
def add_staff(request: Request, caller: StaffAdmin, services: ServicesDep, form: Form):
    """Open an account; an admin's second-factor secret is shown this once."""
    values = {"name": text(form, "name"), "email": text(form, "email"), "role": text(form, "role")}
    try:
        body = checked(
            StaffIn,
            name=values["name"],
            email=values["email"],
            roles=[values["role"]] if values["role"] else [],
            password=form.get("password") or "",
        )
        new = recorded(
            lambda: services.staff.accounts.add(
                caller.clinic, body.name, body.email, body.roles, body.password, caller.actor
            )
        )
    except Refused as refused:
        return _page(
            request,
            services,
            caller,
            values=values,
            errors=refused.fields,
            rule=refused.rule,
            status=422 if refused.fields else 409,
        )
    if new.totp_secret:
        services.wait_for_views(new.recorded.position)
        return _page(request, services, caller, secret=(body.email, new.totp_secret))
    return see_other("/staff", new.recorded)


@router.post("/{staff_id}/deactivation")
def deactivate(
    request: Request, staff_id: UUID, caller: StaffAdmin, services: ServicesDep, form: Form
):
    """Close the account: its sessions end at once."""
    return _changed(
        request, services, caller, staff_id, ReasonIn, {"reason": text(form, "reason")},
        lambda body: services.staff.accounts.deactivate(
            staff_id, body.reason, caller.actor, services.clock()
        ),
    )


@router.post("/{staff_id}/password")
def reset_password(
    request: Request, staff_id: UUID, caller: StaffAdmin, services: ServicesDep, form: Form
):
    """Set a new password for the account (its owner changes it after signing in)."""
    return _changed(
        request, services, caller, staff_id, PasswordIn, {"password": form.get("password") or ""},
        lambda body: services.staff.accounts.set_password(staff_id, body.password, caller.actor),
    )


@router.post("/{staff_id}/roles")
def grant_role(
    request: Request, staff_id: UUID, caller: StaffAdmin, services: ServicesDep, form: Form
):
    """Let the account act in one more role (an admin's only with a second factor)."""
    return _changed(
        request, services, caller, staff_id, RoleIn, {"role": text(form, "role")},
        lambda body: services.records.grant_role(staff_id, body.role, caller.actor),
    )


@router.post("/{staff_id}/role-revocations")
def revoke_role(
    request: Request, staff_id: UUID, caller: StaffAdmin, services: ServicesDep, form: Form
):
    """Take a role away, with a reason; its sessions in that role end at once."""
    return _changed(
        request, services, caller, staff_id, RoleRevocationIn,
        {"role": text(form, "role"), "reason": text(form, "reason")},
        lambda body: services.records.revoke_role(staff_id, body.role, body.reason, caller.actor),
    )


def _changed(request, services, caller, staff_id: UUID, model, values: dict, command):
    """Change one account of the admin's clinic by the API's own use case; a refusal is
    shown on the page and nothing is recorded."""
    _of_clinic(services, staff_id, caller)
    try:
        body = checked(model, **values)
        done = recorded(lambda: command(body))
    except Refused as refused:
        return _page(
            request, services, caller, errors=refused.fields, rule=refused.rule,
            status=422 if refused.fields else 409,
        )
    return see_other("/staff", done)


def _page(
    request, services, caller, values=None, errors=None, rule=None, secret=None, status: int = 200
):
    with services.views.transaction(write=False) as tx:
        staff = StaffList.of_clinic(tx, caller.clinic)
    return render(
        request,
        "staff.html",
        status=status,
        title="Staff",
        staff=staff,
        values=values or {},
        errors=errors or {},
        rule=rule,
        secret=secret,
        roles=ALL_ROLES,
    )
