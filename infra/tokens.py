"""Bearer tokens: HS256 with a shared secret, or RS256 with an identity provider's key, and
the tokens of an OpenID Connect provider (infra/provider_tokens.py) beside either.

The verifying key comes from settings; without one, a development secret is generated
under var_dir on first use so `mesoledger token` and `mesoledger serve` agree.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from domain.errors import InvalidEntry
from domain.values import Actor
from infra.provider_identity import NoStaffAccounts, ProviderIdentity, StaffAccounts
from infra.provider_tokens import ProviderTokenError, ProviderTokens
from infra.settings import Settings

REQUIRED_CLAIMS = ("sub", "name", "role", "clinic", "exp")
TOKENS_REMEMBERED = 10_000  # verified tokens kept per process (about 5 MB at most)


class InvalidTokenError(Exception):
    """The token is missing, malformed, expired, or not signed by a key we trust."""


@dataclass(frozen=True)
class TokenKeys:
    algorithm: str
    verifying_key: str | bytes
    signing_key: str | None = None
    provider: ProviderTokens | None = None
    identity: ProviderIdentity | None = None
    _verified: dict[str, tuple[dict[str, Any], int, bool]] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings,
                      accounts: StaffAccounts | None = None) -> TokenKeys:
        """The configured keys; with an OpenID provider configured, its tokens are taken
        too, for the staff accounts they match."""
        provider = ProviderTokens.from_settings(settings)
        identity = provider and ProviderIdentity(provider.mapping, settings.oidc_match_by,
                                                 accounts or NoStaffAccounts())
        if settings.jwt_public_key_path is not None:
            return cls("RS256", settings.jwt_public_key_path.read_bytes(), None, provider,
                       identity)
        secret = settings.jwt_secret or dev_secret(settings.var_dir / "jwt-secret")
        return cls("HS256", secret, secret, provider, identity)

    def decode(self, token: str) -> dict[str, Any]:
        """The token's claims, once its signature, algorithm and expiry check out. A token
        seen before is not verified again (its signature cannot have changed); its expiry
        is checked on every use, and so is the staff account a provider token names."""
        remembered = self._verified.get(token)
        if remembered is None:
            from_provider = self.provider is not None and self.provider.issued(token)
            claims = self._verify_at_provider(token) if from_provider else self._verify(token)
            if len(self._verified) >= TOKENS_REMEMBERED:
                self._verified.clear()
            remembered = self._verified[token] = claims, int(claims["exp"]), from_provider
        elif remembered[1] <= time.time():
            raise InvalidTokenError("Signature has expired")
        claims, _, from_provider = remembered
        return self._provider_caller(claims) if from_provider else dict(claims)

    def _verify_at_provider(self, token: str) -> dict[str, Any]:
        try:
            return self.provider.verify(token)
        except ProviderTokenError as error:
            raise InvalidTokenError(str(error)) from None

    def _provider_caller(self, claims: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.identity.caller_claims(claims)
        except ProviderTokenError as error:
            raise InvalidTokenError(str(error)) from None

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            return jwt.decode(token, self.verifying_key, algorithms=[self.algorithm],
                              options={"require": list(REQUIRED_CLAIMS)})
        except jwt.PyJWTError as error:
            raise InvalidTokenError(str(error)) from None

    def issue(self, sub: str, name: str, role: str, clinic: str,
              ttl: timedelta = timedelta(hours=8)) -> str:
        """A token for the configured secret (HS256 only: an RS256 provider issues its own)."""
        if self.signing_key is None:
            raise InvalidTokenError("tokens are issued by the identity provider (RS256)")
        try:  # a token the server would refuse is not issued either
            Actor(sub, name, role)
        except InvalidEntry as error:
            raise InvalidTokenError(f"token claims: {error}") from None
        now = datetime.now(UTC)
        claims = {"sub": sub, "name": name, "role": role, "clinic": clinic,
                  "iat": now, "exp": now + ttl}
        return jwt.encode(claims, self.signing_key, algorithm=self.algorithm)


def dev_secret(path: Path) -> str:
    """Read the secret, or create it once (exclusively, so concurrent starts agree)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
