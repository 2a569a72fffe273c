"""Signing in and staying signed in: a password (and second factor, where enrolled or the
role needs one) for a short-lived bearer token and a session; failures counted toward a
lockout; every attempt, lockout, sign-out and idle timeout in the sign-in log.

`admit` is the check every request makes: a token or cookie naming a staff account counts
only while that account is active and holds the role, and a session only while it is open
and not idle. That costs one read of the account's new events (none, mostly) and, for a
session, one indexed row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import jwt

from domain.staff import SECOND_FACTOR_ROLES
from infra.credentials import CredentialStore
from infra.staff_accounts import StaffAccounts, StaffStatus
from infra.staff_sessions import Session, StaffSessions
from infra.tokens import InvalidTokenError, TokenKeys
from projections.sign_in_log import SignInEntry


class SignInRefused(Exception):
    """Sign-in refused; `code` says why in a word a client can branch on."""

    def __init__(self, code: str, detail: str, status: int = 401) -> None:
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=15)
    token_lifetime: timedelta = timedelta(minutes=30)
    accounts_required: bool = False


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime
    staff: StaffStatus
    role: str
    session: Session
    cookie_secret: str


@dataclass(frozen=True)
class Admitted:
    """Who a request is, as the account says now (None: a token naming no account)."""

    staff: StaffStatus | None
    session: Session | None


class SignIn:
    def __init__(self, accounts: StaffAccounts, credentials: CredentialStore,
                 sessions: StaffSessions, tokens: TokenKeys,
                 log: Callable[[SignInEntry], None], clock: Callable[[], datetime],
                 policy: SessionPolicy) -> None:
        self.accounts, self.credentials, self.sessions = accounts, credentials, sessions
        self.tokens, self.log, self.clock, self.policy = tokens, log, clock, policy

    def sign_in(self, email: str, password: str, totp: str | None = None,
                role: str | None = None, client: str | None = None) -> SignedIn:
        now = self.clock()
        staff = self.accounts.by_email(email) if "@" in email else None
        if staff is None:
            self.credentials.password_matches(UUID(int=0), password)  # as slow as a check
            self._log(now, "unknown_account", None, client)
            raise SignInRefused("invalid_credentials", "e-mail or password is wrong")
        until = self.credentials.locked_until(staff.id, now)
        if until is not None:
            self._log(now, "refused_while_locked", staff, client)
            raise SignInRefused("account_locked", "too many failed sign-ins: the account"
                                f" is locked until {until.isoformat(timespec='seconds')}")
        if not staff.active:
            self._log(now, "refused_inactive", staff, client)
            raise SignInRefused("account_inactive", "the account is deactivated")
        if not self.credentials.password_matches(staff.id, password):
            self._failed(now, staff, client, "password")
            raise SignInRefused("invalid_credentials", "e-mail or password is wrong")
        role = self._role_of(staff, role)
        self._second_factor(now, staff, role, totp, client)
        self.credentials.note_success(staff.id)
        return self._started(now, staff, role, client)

    def confirm(self, staff_id: UUID | str, password: str, totp: str | None = None,
                client: str | None = None, purpose: str = "confirmation") -> StaffStatus:
        """The account, once its person has given its password again (and its code, where
        a second factor is enrolled): for a signature or a change to one's own account.
        A wrong one is refused as a sign-in would be, counted toward the lockout and
        logged; SignInRefused otherwise."""
        now = self.clock()
        staff = self.accounts.status(staff_id)
        if staff is None:
            raise SignInRefused("not_a_staff_account", "the token names no staff account",
                                status=403)
        if self.credentials.locked_until(staff.id, now) is not None:
            self._log(now, "refused_while_locked", staff, client, detail=purpose)
            raise SignInRefused("account_locked", "too many failed attempts: the account"
                                " is locked")
        if not staff.active:
            self._log(now, "refused_inactive", staff, client, detail=purpose)
            raise SignInRefused("account_inactive", "the account is deactivated")
        if not self.credentials.password_matches(staff.id, password):
            self._failed(now, staff, client, f"password ({purpose})")
            raise SignInRefused("invalid_credentials", "password: not the account's password")
        if self.credentials.has_totp(staff.id):
            self._second_factor(now, staff, staff.roles[0], totp, client)
        self.credentials.note_success(staff.id)
        return staff

    def sign_out(self, session_id: str, client: str | None = None) -> None:
        session = self.sessions.by_id(session_id)
        now = self.clock()
        if session is not None and self.sessions.end(session_id, now, "signed_out"):
            staff = self.accounts.status(session.staff_id)
            self._log(now, "signed_out", staff, client, session.id)

    def admit(self, sub: str, role: str, clinic: str, session_id: str | None
              ) -> Admitted:
        """Whether a bearer token's claims still hold (InvalidTokenError if not)."""
        session = self._open_session(session_id) if session_id else None
        staff = self.accounts.status(sub) if _is_uuid(sub) else None
        if staff is None:
            if session is not None or self.policy.accounts_required:
                raise InvalidTokenError("the token names no staff account")
            return Admitted(None, None)
        if not staff.holds(role) or staff.clinic != clinic:
            raise InvalidTokenError("the account is deactivated or no longer holds the role")
        return Admitted(staff, session)

    def admit_cookie(self, secret: str) -> Admitted:
        """The account and session a session cookie stands for (InvalidTokenError if the
        session ended, went idle, or its account may no longer act in its role)."""
        session = self.sessions.by_cookie(secret)
        session = session and self._open_session(session.id, session)
        staff = session and self.accounts.status(session.staff_id)
        if not staff or not staff.holds(session.role):
            raise InvalidTokenError("the session has ended")
        return Admitted(staff, session)

    # --- steps --------------------------------------------------------------------------

    def _role_of(self, staff: StaffStatus, role: str | None) -> str:
        if role is None and len(staff.roles) == 1:
            return staff.roles[0]
        if role not in staff.roles:
            raise SignInRefused("role_not_held", f"role: sign in as one of"
                                f" {', '.join(staff.roles)}", status=422)
        return role

    def _second_factor(self, now: datetime, staff: StaffStatus, role: str, totp: str | None,
                       client: str | None) -> None:
        needed = role in SECOND_FACTOR_ROLES or self.credentials.has_totp(staff.id)
        if not needed:
            return
        if not totp:
            self._log(now, "failed", staff, client, detail="second factor missing")
            raise SignInRefused("second_factor_required", "totp: this account signs in"
                                " with the code of its authenticator app")
        if not self.credentials.totp_matches(staff.id, totp, now):
            self._failed(now, staff, client, "second factor")
            raise SignInRefused("invalid_credentials", "the code is wrong or was used")

    def _failed(self, now: datetime, staff: StaffStatus, client: str | None,
                what: str) -> None:
        self._log(now, "failed", staff, client, detail=f"wrong {what}")
        locked_until = self.credentials.note_failure(staff.id, now)
        if locked_until is not None:
            self._log(now, "locked_out", staff, client,
                      detail=f"locked until {locked_until.isoformat(timespec='seconds')}")

    def _started(self, now: datetime, staff: StaffStatus, role: str,
                 client: str | None) -> SignedIn:
        if self.tokens.signing_key is None:
            raise SignInRefused("sign_in_unavailable", "tokens are issued by the identity"
                                " provider here", status=503)
        session, secret = self.sessions.start(str(staff.id), role, now)
        expires = now + self.policy.token_lifetime
        claims = {"sub": str(staff.id), "name": staff.name, "role": role,
                  "clinic": staff.clinic, "sid": session.id, "iat": now, "exp": expires}
        token = jwt.encode(claims, self.tokens.signing_key, algorithm=self.tokens.algorithm)
        self._log(now, "signed_in", staff, client, session.id)
        return SignedIn(token, expires, staff, role, session, secret)

    def _open_session(self, session_id: str, session: Session | None = None) -> Session:
        session = session or self.sessions.by_id(session_id)
        now = self.clock()
        if session is None or session.ended_at is not None:
            raise InvalidTokenError("the session has ended")
        if session.idle(now, self.policy.idle):
            if self.sessions.end(session.id, now, "idle_timeout"):
                self._log(now, "idle_timeout", self.accounts.status(session.staff_id), None,
                          session.id)
            raise InvalidTokenError("the session ended after being idle")
        self.sessions.seen(session, now)
        return session

    def _log(self, now: datetime, outcome: str, staff: StaffStatus | None,
             client: str | None, session_id: str | None = None,
             detail: str | None = None) -> None:
        self.log(SignInEntry(now, outcome, staff and str(staff.id), staff and staff.clinic,
                             session_id, client, detail))


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True
