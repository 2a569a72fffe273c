"""Signing in and out of the web app, through the staff sign-in the API uses: the same
password check, second factor, lockout and sign-in log; the same session cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import SESSION_COOKIE
from api.http.errors import Problem
from api.http.routes.provider_sign_in import provider_sign_in
from api.http.services import ServicesDep
from api.web import session
from api.web.forms import Form, text
from api.web.pages import WebRoute, home_of, render, see_other
from domain.vocabulary import ROLES
from infra.sign_in import SignInRefused

router = APIRouter(route_class=WebRoute)


@router.get("/")
def start(request: Request, next: str = "", expired: str = ""):
    """The sign-in page for a visitor; a signed-in person goes to their daily work."""
    caller = getattr(request.state, "caller", None)
    if caller is not None:
        return see_other(home_of(caller.role))
    return _page(request, next=_local(next), expired=bool(expired))


@router.post("/sign-in")
def sign_in(request: Request, services: ServicesDep, form: Form):
    """E-mail and password; then the authenticator's code where the account has one."""
    keys, now = session.keys_of(request), services.clock()
    pending, totp = text(form, "pending"), text(form, "totp")
    role, target = text(form, "role"), _local(text(form, "next") or "")
    try:
        if pending:
            email, password = keys.open_pending(pending, request.state.csrf_cookie, now)
        else:
            email, password = text(form, "email") or "", form.get("password") or ""
        signed = services.staff.sign_in.sign_in(email, str(password), totp, role, _client(request))
    except ValueError as expired:
        return _page(request, status=401, error=str(expired), next=target)
    except SignInRefused as refused:
        if refused.code == "second_factor_required":
            sealed = keys.seal_pending(email, str(password), request.state.csrf_cookie, now)
            return _page(request, step="second_factor", pending=sealed, next=target, role=role)
        if refused.code == "role_not_held":
            return _page(
                request,
                status=422,
                error=refused.detail,
                email=email,
                next=target,
                roles=sorted(ROLES | {"admin"}),
            )
        return _page(request, status=refused.status, error=refused.detail, email=email, next=target)
    response = see_other(target or home_of(signed.role))
    response.set_cookie(
        SESSION_COOKIE,
        signed.cookie_secret,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request, services: ServicesDep):
    """End the session on the server (in the sign-in log); the cookie goes too, and the
    back button finds nothing kept."""
    signed_in = getattr(request.state, "session", None)
    if signed_in is not None:
        services.staff.sign_in.sign_out(signed_in.id, _client(request))
    request.state.signing_out = True
    return see_other("/")


def _page(request: Request, status: int = 200, **context):
    defaults = {
        "title": "Sign in",
        "next": "",
        "expired": False,
        "email": "",
        "step": "password",
        "error": None,
        "pending": "",
        "roles": None,
        "role": None,
        "provider": _provider(request),
    }
    return render(request, "sign_in.html", status=status, **defaults | context)


def _provider(request: Request) -> dict | None:
    """The clinic's identity provider, when one is configured (settings oidc_*)."""
    try:
        provider_sign_in(request, request.app.state.services)
    except Problem:
        return None
    return {"url": "/auth/oidc/login", "name": "the clinic's identity provider"}


def _local(target: str) -> str:
    """Only a path on this site (never another host) is a place to return to."""
    return target if target.startswith("/") and not target.startswith("//") else ""


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None
