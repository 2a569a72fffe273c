"""Setting up the first admin of a new store, through the one-time link `serve` printed."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.schemas.staff import StaffIn
from api.http.services import ServicesDep
from api.web import first_admin
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import WebRoute, render
from domain.values import Actor

router = APIRouter(prefix="/setup", route_class=WebRoute)
SETUP = Actor("first-admin-setup", "first admin set-up (one-time link)", "admin")


@router.get("")
def setup_form(request: Request, services: ServicesDep, invite: str = ""):
    """The form for the first admin, if the link is the live one and no staff exist."""
    if not _open(services, invite):
        return _closed(request)
    return render(
        request,
        "setup.html",
        title="Set up the first admin",
        invite=invite,
        values={},
        errors={},
        rule=None,
    )


@router.post("")
def set_up(request: Request, services: ServicesDep, form: Form):
    """Create the first admin; the invite is spent, whatever happens next."""
    invite = text(form, "invite") or ""
    if not _open(services, invite):
        return _closed(request)
    values = {name: text(form, name) for name in ("clinic", "name", "email")}
    try:
        body = checked(
            StaffIn,
            name=values["name"],
            email=values["email"],
            roles=["admin"],
            password=form.get("password") or "",
        )
        if not values["clinic"]:
            raise Refused({"clinic": "name the clinic (e.g. clinic-a)"})
        new = recorded(
            lambda: services.staff.accounts.add(
                values["clinic"], body.name, body.email, ["admin"], body.password, SETUP
            )
        )
    except Refused as refused:
        return render(
            request,
            "setup.html",
            status=422,
            title="Set up the first admin",
            invite=invite,
            values=values,
            errors=refused.fields,
            rule=refused.rule,
        )
    first_admin.spend_invite(services.settings.var_dir)
    return render(
        request,
        "setup_done.html",
        title="First admin created",
        email=body.email,
        secret=new.totp_secret,
    )


def _open(services, invite: str) -> bool:
    var_dir = services.settings.var_dir
    if not invite or not first_admin.invite_holds(var_dir, invite):
        return False
    if first_admin.has_staff(services):
        first_admin.spend_invite(var_dir)
        return False
    return True


def _closed(request: Request):
    return render(
        request,
        "refusal.html",
        status=404,
        title="Not found",
        detail="this set-up link was used already or is not this server's",
    )
