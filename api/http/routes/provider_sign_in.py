"""Web sign-in through the clinic's OpenID Connect provider (no token needed): the browser
goes to /auth/oidc/login, signs in at the provider, comes back to /auth/oidc/callback and
leaves with the same session cookie a password sign-in gives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from api.http.errors import Problem, problems
from api.http.routing import ProblemRoute
from api.http.services import ServicesDep
from infra.provider_sign_in import ATTEMPT_SECONDS, ProviderSignIn, SignInRefused
from infra.services import Services

router = APIRouter(prefix="/auth/oidc", tags=["sign-in"], route_class=ProblemRoute)
ATTEMPT_COOKIE = "mesoledger_oidc_attempt"
SIGNED_IN_PAGE = "/"


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
    except SignInRefused as refused:
        raise Problem(503, "identity_provider_unavailable", str(refused)) from None
    response = RedirectResponse(attempt.url, status_code=303)
    response.set_cookie(ATTEMPT_COOKIE, attempt.cookie, max_age=ATTEMPT_SECONDS,
                        path=router.prefix, secure=sign_in.secure_cookie, httponly=True,
                        samesite="lax")
    return response


@router.get("/callback", status_code=303, responses=problems(401, 404) | {303: {
    "description": "Signed in: the session cookie is set"}})
def back_from_the_provider(request: Request, sign_in: SignInDep, services: ServicesDep,
                           code: Annotated[str | None, Query(max_length=2048)] = None,
                           state: Annotated[str | None, Query(max_length=512)] = None,
                           error: Annotated[str | None, Query(max_length=256)] = None,
                           ) -> RedirectResponse:
    """Finish the sign-in the provider sent the browser back from: the state, the code (with
    its PKCE verifier) and the ID token's nonce are checked, and the person must have an
    active staff account holding the role their claims map to. Every outcome is logged."""
    try:
        if error is not None:
            raise SignInRefused(f"the provider answered {error}")
        claims = sign_in.finish(code, state, request.cookies.get(ATTEMPT_COOKIE))
        response = RedirectResponse(SIGNED_IN_PAGE, status_code=303)
        signed_in(services, claims, response, request)
    except SignInRefused as refused:
        signed_in_failed(services, str(refused), request)
        raise Problem(401, "sign_in_refused", str(refused)) from None
    response.delete_cookie(ATTEMPT_COOKIE, path=router.prefix)
    return response


def signed_in(services: Services, claims: dict, response: RedirectResponse,
              request: Request) -> None:
    """Start the person's session (their staff account, the role their claims map to)."""
    raise SignInRefused("sessions are not available yet")


def signed_in_failed(services: Services, reason: str, request: Request) -> None:
    """Put the refused sign-in in the sign-in log."""
