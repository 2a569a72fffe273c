"""Signing in and out, and the sign-in log (auditors and admins of the clinic, regulators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from api.http.auth import SESSION_COOKIE, SignInReader, caller_in
from api.http.routing import ProblemRoute
from api.http.schemas.common import ONE_LINE
from api.http.schemas.staff import SessionOut, SignInIn, SignInPage
from api.http.services import ServicesDep
from projections.sign_in_log import SignInFilter, SignInLog

router = APIRouter(prefix="/v1", tags=["sessions"], route_class=ProblemRoute)
Filter = Annotated[str | None, Query(max_length=200, pattern=ONE_LINE)]


@router.post("/sessions", status_code=201)
def sign_in(body: SignInIn, request: Request, response: Response,
            services: ServicesDep) -> SessionOut:
    """Sign in with e-mail and password (and the authenticator's code where the account
    has one; admins and regulators always): a short-lived bearer token, and a session
    cookie for the web app. Five failures in a row lock the account for 15 minutes."""
    signed = services.staff.sign_in.sign_in(body.email, body.password, body.totp, body.role,
                                            _client(request))
    response.set_cookie(SESSION_COOKIE, signed.cookie_secret, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")
    return SessionOut(token=signed.token, expires_at=signed.expires_at,
                      staff_id=signed.staff.id, role=signed.role)


@router.delete("/sessions", status_code=204)
def sign_out(request: Request, services: ServicesDep) -> Response:
    """Sign out: the session ends on the server, so its token and cookie stop working."""
    caller_in(request)
    session = request.state.session
    if session is not None:
        services.staff.sign_in.sign_out(session.id, _client(request))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/sign-in-log")
def read_sign_in_log(caller: SignInReader, services: ServicesDep, staff_id: Filter = None,
                     outcome: Filter = None, since: AwareDatetime | None = None,
                     until: AwareDatetime | None = None,
                     after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                     limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> SignInPage:
    """Every sign-in, failure, lockout, sign-out and idle timeout of the caller's clinic's
    staff (a regulator: every clinic's, and attempts at no account)."""
    where = SignInFilter(caller.clinic_filter, staff_id, outcome, since, until)
    with services.views.transaction(write=False) as tx:
        entries = SignInLog.page(tx, where, after, limit)
    return SignInPage(entries=entries,
                      next_after=entries[-1]["id"] if len(entries) == limit else None)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None
