"""The browser's side of a session. Signing in, idle timeouts (15 minutes) and signing out
are the staff sign-in's own (infra/sign_in.py: a server-side session behind an HttpOnly,
SameSite=Strict cookie that the auth layer accepts, every step in the sign-in log). Here:
the key that binds each form's CSRF token to the browser's CSRF cookie, and the sealed
note that carries a password across the second-factor step without showing it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Request

from infra.tokens import dev_secret

CSRF_COOKIE = "mesoledger_csrf"
PENDING_FOR = timedelta(minutes=3)


class SessionKeys:
    """Signs CSRF tokens and seals pending sign-ins (a key kept under var_dir, made once)."""

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"mesoledger web " + key).digest()

    @classmethod
    def from_var_dir(cls, var_dir) -> SessionKeys:
        return cls(dev_secret(var_dir / "web-session.key").encode())

    def sign(self, text: str) -> str:
        mac = hmac.new(self._key, text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def csrf_token(self, csrf_cookie: str) -> str:
        """What every form carries: bound to the browser's own CSRF cookie."""
        return self.sign(f"csrf|{csrf_cookie}")

    def seal_pending(self, email: str, password: str, csrf_cookie: str, now: datetime) -> str:
        """A password checked, waiting for the second factor: sealed for this browser only,
        for a few minutes (the page holding it is never stored: Cache-Control no-store)."""
        nonce = os.urandom(12)
        plain = json.dumps(
            {"email": email, "password": password, "until": (now + PENDING_FOR).timestamp()}
        ).encode()
        sealed = AESGCM(self._key).encrypt(nonce, plain, csrf_cookie.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open_pending(self, sealed: str, csrf_cookie: str, now: datetime) -> tuple[str, str]:
        """(email, password), or ValueError if it is not ours, not this browser's, or old."""
        try:
            raw = base64.urlsafe_b64decode(sealed.encode())
            plain = json.loads(AESGCM(self._key).decrypt(raw[:12], raw[12:], csrf_cookie.encode()))
        except (InvalidTag, ValueError, TypeError) as error:
            raise ValueError("the sign-in has expired: start again") from error
        if plain["until"] < now.timestamp():
            raise ValueError("the sign-in has expired: start again")
        return plain["email"], plain["password"]


def keys_of(request: Request) -> SessionKeys:
    """The app's web keys, read from var_dir on the first request."""
    keys = getattr(request.app.state, "web_keys", None)
    if keys is None:
        settings = request.app.state.services.settings
        keys = request.app.state.web_keys = SessionKeys.from_var_dir(settings.var_dir)
    return keys


def csrf_cookie_of(request: Request) -> str | None:
    return request.cookies.get(CSRF_COOKIE)


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)
