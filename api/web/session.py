"""The browser's session: a signed, HttpOnly, SameSite=Strict cookie holding the sign-in's
bearer token and the time of the last request. Idle for longer than IDLE, it is over.

Every answer to a signed-in request renews the time, so 15 minutes without a request signs
the person out, whatever the token's own expiry; the token is checked on every request by
the same keys the API uses, so a token the API refuses ends the session too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request, Response

from infra.tokens import _dev_secret

COOKIE = "mesoledger_session"
CSRF_COOKIE = "mesoledger_csrf"
IDLE = timedelta(minutes=15)


@dataclass(frozen=True)
class WebSession:
    token: str
    last_seen: datetime


class SessionKeys:
    """Signs the session and CSRF cookies (a key kept under var_dir, made once)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_var_dir(cls, var_dir) -> SessionKeys:
        return cls(_dev_secret(var_dir / "web-session.key").encode())

    def sign(self, text: str) -> str:
        mac = hmac.new(self._key, text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def seal(self, session: WebSession) -> str:
        body = f"{session.token}|{int(session.last_seen.timestamp())}"
        return f"{body}|{self.sign(body)}"

    def open(self, cookie: str | None, now: datetime) -> WebSession | None:
        """The session, if the cookie is ours, intact and not idle for longer than IDLE."""
        if not cookie or cookie.count("|") != 2:
            return None
        token, seen, mac = cookie.split("|")
        if not hmac.compare_digest(mac, self.sign(f"{token}|{seen}")) or not seen.isdigit():
            return None
        last_seen = datetime.fromtimestamp(int(seen), now.tzinfo)
        if now - last_seen > IDLE:
            return None
        return WebSession(token, last_seen)

    def csrf_token(self, csrf_cookie: str) -> str:
        """What every form carries: bound to the browser's own CSRF cookie."""
        return self.sign(f"csrf|{csrf_cookie}")


def keys_of(request: Request) -> SessionKeys:
    """The app's session keys, read from var_dir on the first request."""
    keys = getattr(request.app.state, "web_keys", None)
    if keys is None:
        settings = request.app.state.services.settings
        keys = request.app.state.web_keys = SessionKeys.from_var_dir(settings.var_dir)
    return keys


def start(response: Response, keys: SessionKeys, token: str, now: datetime, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        keys.seal(WebSession(token, now)),
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
    )


def end(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def csrf_cookie_of(request: Request) -> str | None:
    return request.cookies.get(CSRF_COOKIE)


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)
