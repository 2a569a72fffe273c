"""Signing in and out of the web app."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.web.pages import WebRoute, home_of, render, see_other

router = APIRouter(route_class=WebRoute)


@router.get("/")
def start(request: Request, next: str = "", expired: str = ""):
    """The sign-in page for a visitor; a signed-in person goes to their daily work."""
    caller = getattr(request.state, "caller", None)
    if caller is not None:
        return see_other(home_of(caller))
    return render(
        request,
        "sign_in.html",
        title="Sign in",
        next=_local(next),
        expired=bool(expired),
        email="",
        step="password",
    )


@router.post("/sign-out")
def sign_out(request: Request):
    """End the session: the cookie goes, and the back button finds nothing kept."""
    request.state.signing_out = True
    return see_other("/")


def _local(target: str) -> str:
    """Only a path on this site (never another host) is a place to return to."""
    return target if target.startswith("/") and not target.startswith("//") else ""
