"""The caller: who the bearer token says they are. The actor of every entry comes from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.http.errors import Problem
from api.http.permissions import Permission, may
from domain.errors import InvalidEntry
from domain.values import Actor
from domain.vocabulary import ROLES
from infra.services import Services
from infra.tokens import InvalidTokenError

ALL_CLINICS = "*"
SESSION_COOKIE = "mesoledger_session"
CLAIMS = ("sub", "name", "role", "clinic")
bearer = HTTPBearer(auto_error=False, description="A JWT with sub, name, role and clinic.")


@dataclass(frozen=True)
class Caller:
    id: str
    name: str
    role: str
    clinic: str

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.name, self.role)

    def sees(self, clinic: str) -> bool:
        """Regulators see every clinic; everyone else only their own."""
        return self.clinic == ALL_CLINICS or self.clinic == clinic

    @property
    def clinic_filter(self) -> str | None:
        """The clinic a list read is limited to (None: a regulator reads every clinic)."""
        return None if self.clinic == ALL_CLINICS else self.clinic

    @property
    def owner(self) -> str:
        """Whose idempotency keys these are."""
        return f"{self.clinic}/{self.id}"


def caller_of(claims: dict) -> Caller:
    named = [claims.get(claim) for claim in CLAIMS]
    if not all(isinstance(value, str) and value.strip() for value in named):
        raise InvalidTokenError(f"token claims: {', '.join(CLAIMS)} must be non-empty text")
    caller = Caller(*named)
    try:
        caller.actor  # noqa: B018 - validates id, name and role
    except InvalidEntry as error:
        raise InvalidTokenError(f"token claims: {error}") from None
    if caller.role not in ROLES or (caller.clinic == ALL_CLINICS) != (caller.role == "regulator"):
        raise InvalidTokenError("token claims: role and clinic do not go together")
    return caller


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if the request has one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def caller_in(request: Request) -> Caller:
    """Who the request's token (or session cookie) names: decoded once per request, then
    kept on the request (the access log names them too). 401 without a token or with a bad
    one, or when the staff account it names may no longer act (infra/sign_in.py)."""
    caller = getattr(request.state, "caller", None)
    if caller is None:
        services: Services = request.app.state.services
        token, cookie = bearer_token(request), request.cookies.get(SESSION_COOKIE)
        if token is not None:
            claims = services.tokens.decode(token)
            caller = caller_of(claims)
            admitted = services.staff.sign_in.admit(caller.id, caller.role, caller.clinic,
                                                    claims.get("sid"))
        elif cookie:
            admitted = services.staff.sign_in.admit_cookie(cookie)
            staff, session = admitted.staff, admitted.session
            caller = Caller(str(staff.id), staff.name, session.role, staff.clinic)
        else:
            raise Problem(401, "missing_token", "send Authorization: Bearer <token>",
                          {"WWW-Authenticate": "Bearer"})
        request.state.session = admitted.session
        request.state.caller = caller
    return caller


async def resolved_caller(request: Request) -> Caller:
    """caller_in, from the event loop: a request whose token or cookie names a staff account
    reads that account (and its session), which is done on a worker thread; a token naming
    no account is decoded here, as before (no trip to a thread)."""
    if getattr(request.state, "caller", None) is None and _names_an_account(request):
        return await run_in_threadpool(caller_in, request)
    return caller_in(request)


def _names_an_account(request: Request) -> bool:
    token = bearer_token(request)
    if token is None:
        return SESSION_COOKIE in request.cookies
    try:
        claims = request.app.state.services.tokens.decode(token)  # verified once, remembered
    except InvalidTokenError:
        return False  # caller_in answers 401 without reading anything
    return "sid" in claims or _is_uuid(claims.get("sub"))


def _is_uuid(text: object) -> bool:
    try:
        UUID(str(text))
    except ValueError:
        return False
    return True


def allowed(permission: Permission):
    """A dependency: the caller, if their role grants the permission (else 403). `bearer`
    puts the token in the OpenAPI document; the caller is read from the request itself, so
    a route's other dependencies (its record in scope) share it without a dependency of
    their own."""

    async def check(request: Request, _: Annotated[HTTPAuthorizationCredentials | None,
                                                   Depends(bearer)]) -> Caller:
        caller = await resolved_caller(request)
        if not may(caller.role, permission):
            raise Problem(403, "role_not_permitted",
                          f"a {caller.role} may not {permission.value}")
        return caller

    return check


def role(permission: Permission):
    return Annotated[Caller, Depends(allowed(permission))]


FrontDesk = role(Permission.REGISTER_PATIENTS)
ConsentTaker = role(Permission.RECORD_CONSENTS)
DirectoryReader = role(Permission.SEARCH_DIRECTORY)
Screener = role(Permission.SCREEN)
Prescriber = role(Permission.PLAN_AND_FORMULATE)
Treater = role(Permission.TREAT)
Corrector = role(Permission.VOID)
ClinicalReader = role(Permission.READ_CLINICAL)
LotTracer = role(Permission.READ_LOTS)
LotRecaller = role(Permission.RECALL_LOTS)
ExposedContacter = role(Permission.CONTACT_EXPOSED)
SignalReader = role(Permission.READ_SIGNALS)
OutcomesReader = role(Permission.READ_OUTCOMES)
Overseer = role(Permission.READ_AUDIT)
IntegrityReader = role(Permission.READ_INTEGRITY)
Verifier = role(Permission.VERIFY)
Exporter = role(Permission.EXPORT)
ClinicExporter = role(Permission.EXPORT_CLINIC)
Eraser = role(Permission.ERASE)
StaffAdmin = role(Permission.MANAGE_STAFF)
SignInReader = role(Permission.READ_SIGN_INS)
Signer = role(Permission.SIGN)
UnsignedReader = role(Permission.READ_UNSIGNED)
