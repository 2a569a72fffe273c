"""Web sign-in through the clinic's OpenID provider: authorization code with PKCE (S256).

`begin` sends the browser to the provider with a fresh state, nonce and code challenge, and
keeps them (with the code verifier) in a short-lived signed attempt the browser carries back
in a cookie; `finish` checks the state against it, redeems the code with the verifier, and
returns the claims of the ID token once its signature, issuer, audience (our client id),
expiry and nonce check out."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import httpx
import jwt
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from infra.provider_keys import ProviderKeyError
from infra.provider_tokens import ProviderTokenError, ProviderTokens
from infra.settings import Settings
from infra.tokens import TokenKeys, dev_secret

ATTEMPT_SECONDS = 600  # how long a person has to sign in at the provider
SCOPE = "openid email profile"


class ProviderSignInRefused(Exception):
    """The sign-in cannot complete: the reason is fit for the sign-in log (no secrets)."""


@dataclass(frozen=True)
class Attempt:
    """Where to send the browser, and the signed attempt it must bring back."""

    url: str
    cookie: str


class ProviderSignIn:
    def __init__(self, tokens: ProviderTokens, client_id: str, client_secret: str | None,
                 redirect_url: str, attempt_key: bytes, scope: str = SCOPE,
                 http: httpx.Client | None = None) -> None:
        self.tokens, self.client_id, self.client_secret = tokens, client_id, client_secret
        self.redirect_url, self.scope = redirect_url, scope
        self._attempt_key = attempt_key
        self._http = http or httpx.Client(timeout=10.0)

    @classmethod
    def from_settings(cls, settings: Settings, keys: TokenKeys) -> ProviderSignIn | None:
        """Configured when the provider, our client id and the redirect URL are set. The
        attempt is signed with a key derived from the client secret (the same in every API
        process), else from the token secret, else from one made under var_dir."""
        tokens = keys.provider
        if tokens is None or not settings.oidc_client_id or not settings.oidc_redirect_url:
            return None
        secret = settings.oidc_client_secret or keys.signing_key or dev_secret(
            settings.var_dir / "sign-in-attempt-secret")
        key = hashlib.sha256(b"mesoledger sign-in attempt\0" + secret.encode()).digest()
        return cls(tokens, settings.oidc_client_id, settings.oidc_client_secret,
                   settings.oidc_redirect_url, key, settings.oidc_scope)

    @property
    def secure_cookie(self) -> bool:
        return self.redirect_url.startswith("https:")

    def begin(self) -> Attempt:
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(64)
        try:
            endpoint = self.tokens.keys.discovery().authorization_endpoint
        except ProviderKeyError as error:
            raise ProviderSignInRefused(f"the provider cannot be reached: {error}") from None
        url = prepare_grant_uri(endpoint, self.client_id, "code", self.redirect_url,
                                self.scope, state, nonce=nonce,
                                code_challenge=create_s256_code_challenge(verifier),
                                code_challenge_method="S256")
        attempt = {"state": state, "nonce": nonce, "verifier": verifier,
                   "exp": int(time.time()) + ATTEMPT_SECONDS}
        return Attempt(url, jwt.encode(attempt, self._attempt_key, algorithm="HS256"))

    def finish(self, code: str | None, state: str | None, cookie: str | None) -> dict:
        """The verified ID-token claims of the person who signed in."""
        attempt = self._attempt(cookie)
        if not state or not hmac.compare_digest(state, attempt["state"]):
            raise ProviderSignInRefused("the state does not match the sign-in attempt")
        if not code:
            raise ProviderSignInRefused("the provider sent no authorization code")
        id_token = self._redeem(code, attempt["verifier"])
        try:
            claims = self.tokens.verify(id_token, audience=self.client_id)
        except ProviderTokenError as error:
            raise ProviderSignInRefused(f"ID token: {error}") from None
        if not hmac.compare_digest(str(claims.get("nonce", "")), attempt["nonce"]):
            raise ProviderSignInRefused("the ID token's nonce does not match the sign-in attempt")
        return claims

    def _attempt(self, cookie: str | None) -> dict:
        if not cookie:
            raise ProviderSignInRefused("no sign-in attempt in progress (cookie missing)")
        try:
            return jwt.decode(cookie, self._attempt_key, algorithms=["HS256"],
                              options={"require": ["state", "nonce", "verifier", "exp"]})
        except jwt.PyJWTError as error:
            raise ProviderSignInRefused(f"the sign-in attempt is not valid: {error}") from None

    def _redeem(self, code: str, verifier: str) -> str:
        try:
            endpoint = self.tokens.keys.discovery().token_endpoint
            answer = self._http.post(endpoint, data={
                "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                "redirect_uri": self.redirect_url, "client_id": self.client_id},
                auth=(self.client_id, self.client_secret) if self.client_secret else None)
        except (ProviderKeyError, httpx.HTTPError) as error:
            raise ProviderSignInRefused(f"the provider cannot be reached: {error}") from None
        body = _json(answer)
        if answer.status_code != 200 or not isinstance(body.get("id_token"), str):
            raise ProviderSignInRefused(f"the provider refused the code: {body.get('error', '?')}")
        return body["id_token"]


def _json(answer: httpx.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
