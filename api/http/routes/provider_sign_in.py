"""Web sign-in through the clinic's OpenID Connect provider (no token needed): the browser
goes to /auth/oidc/login, signs in at the provider, comes back to /auth/oidc/callback and
leaves with the same session cookie a password sign-in gives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.http.auth import SESSION_COOKIE
from api.http.errors import Problem, problems
from api.http.routing import ProblemRoute
from api.http.services import ServicesDep
from infra.provider_sessions import ProviderSessionRefused, ProviderSessions
from infra.provider_sign_in import ATTEMPT_SECONDS, ProviderSignIn, ProviderSignInRefused
from infra.sign_in import SignedIn

router = APIRouter(prefix="/auth/oidc", tags=["sign-in"], route_class=ProblemRoute)
ATTEMPT_COOKIE = "mesoledger_oidc_attempt"
SIGNED_IN_PAGE = "/"
ERROR_CODE = r"^[A-Za-z0-9_.-]{1,64}$"  # an OAuth error code: it is logged, free text is not


def provider_sign_in(request: Request, services: ServicesDep) -> ProviderSignIn:
    """The configured sign-in (made once per app), or 404 when no provider is configured."""
    sign_in = getattr(request.app.state, "provider_sign_in", None)
    if sign_in is None:
        sign_in = ProviderSignIn.from_settings(services.settings, services.tokens)
        if sign_in is None:
            raise Problem(404, "no_identity_provider",
                          "sign-in through an identity provider is not configured")
        request.app.state.provider_sign_in = sign_in
    return sign_in


SignInDep = Annotated[ProviderSignIn, Depends(provider_sign_in)]


@router.get("/login", status_code=303, responses=problems(404) | {303: {
    "description": "To the provider's sign-in page"}})
def sign_in_at_the_provider(sign_in: SignInDep) -> RedirectResponse:
    """Send the browser to the clinic's identity provider (authorization code with PKCE)."""
    try:
        attempt = sign_in.begin()
    except ProviderSignInRefused as refused:
        raise Problem(503, "identity_provider_unavailable", str(refused)) from None
    response = RedirectResponse(attempt.url, status_code=303)
    response.set_cookie(ATTEMPT_COOKIE, attempt.cookie, max_age=ATTEMPT_SECONDS,
                        path=router.prefix, secure=sign_in.secure_cookie, httponly=True,
                        samesite="lax")
    return response


@router.get("/callback", status_code=200, response_class=HTMLResponse,
            responses=problems(401, 404, 503) | {200: {
                "description": "Signed in: the session cookie is set; the page goes on to /"}})
def back_from_the_provider(request: Request, sign_in: SignInDep, services: ServicesDep,
                           code: Annotated[str | None, Query(max_length=2048)] = None,
                           state: Annotated[str | None, Query(max_length=512)] = None,
                           error: Annotated[str | None, Query(pattern=ERROR_CODE)] = None,
                           ) -> HTMLResponse:
    """Finish the sign-in the provider sent the browser back from: the state, the code (with
    its PKCE verifier) and the ID token's nonce are checked, and the person must have an
    active staff account holding the role their claims map to. Every outcome is logged."""
    sessions = ProviderSessions(sign_in, services.tokens.identity, services.staff.accounts,
                                services.staff.sign_in)
    client = request.client.host if request.client else None
    try:
        signed = sessions.complete(code, state, error, request.cookies.get(ATTEMPT_COOKIE),
                                   client)
    except ProviderSessionRefused as refused:
        raise Problem(401, "sign_in_refused", str(refused)) from None
    return signed_in_page(signed, request)


def signed_in_page(signed: SignedIn, request: Request) -> HTMLResponse:
    """A page that sets the session cookie and goes on to the app: a same-site navigation
    from here, so the browser sends the SameSite=Strict cookie with it (a redirect at the
    end of the provider's cross-site chain would not)."""
    response = HTMLResponse(SIGNED_IN_HTML)
    response.set_cookie(SESSION_COOKIE, signed.cookie_secret, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")
    response.delete_cookie(ATTEMPT_COOKIE, path=router.prefix)
    return response


SIGNED_IN_HTML = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signed in</title>
<meta http-equiv="refresh" content="0;url={SIGNED_IN_PAGE}"></head>
<body><p>Signed in. <a href="{SIGNED_IN_PAGE}">Continue to mesoledger</a></p></body></html>
"""
