"""Tokens from the clinic's OpenID Connect provider: signed by one of its published keys with
a pinned algorithm, issued by it, meant for us and unexpired. What they say about the person
becomes a role and a clinic by the settings' claim mapping."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import jwt

from infra.provider_keys import (
    KEY_TYPES,
    ProviderKeyError,
    ProviderKeys,
    ProviderUnreachableError,
)
from infra.settings import Settings

REQUIRED = ("iss", "aud", "exp", "iat", "sub")
LEEWAY_SECONDS = 30  # clock skew between the provider and us


class ProviderTokenError(Exception):
    """The token is not one the provider issued for us, or it says nothing we can use."""


@dataclass(frozen=True)
class ClaimMapping:
    """Which claims name the role and clinic, and what each role value means here."""

    role_claim: str
    roles: dict[str, str]
    clinic_claim: str | None
    clinic: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> ClaimMapping:
        return cls(settings.oidc_role_claim, dict(settings.oidc_roles),
                   settings.oidc_clinic_claim, settings.oidc_clinic)

    def role_of(self, claims: dict[str, Any]) -> str:
        """The one mesoledger role the role claim's values map to."""
        values = claims.get(self.role_claim)
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list):
            raise ProviderTokenError(f"token claims: {self.role_claim} names no role")
        roles = {self.roles[value] for value in values
                 if isinstance(value, str) and value in self.roles}
        if len(roles) != 1:
            named = "no role" if not roles else "several roles"
            raise ProviderTokenError(f"token claims: {self.role_claim} maps to {named}")
        return roles.pop()

    def clinic_of(self, claims: dict[str, Any]) -> str:
        clinic = claims.get(self.clinic_claim) if self.clinic_claim else None
        clinic = clinic if clinic is not None else self.clinic
        if not isinstance(clinic, str) or not clinic.strip():
            raise ProviderTokenError("token claims: no clinic")
        return clinic


class ProviderTokens:
    def __init__(self, keys: ProviderKeys, audience: str | None, algorithms: list[str],
                 mapping: ClaimMapping) -> None:
        self.keys, self.audience, self.mapping = keys, audience, mapping
        self.algorithms = [alg for alg in algorithms if alg in KEY_TYPES]

    @classmethod
    def from_settings(cls, settings: Settings) -> ProviderTokens | None:
        if settings.oidc_issuer is None:
            return None
        keys = ProviderKeys(settings.oidc_issuer, settings.oidc_keys_ttl_seconds,
                            settings.oidc_refetch_seconds)
        return cls(keys, settings.oidc_audience, settings.oidc_algorithms,
                   ClaimMapping.from_settings(settings))

    @property
    def issuer(self) -> str:
        return self.keys.issuer

    def issued(self, token: str) -> bool:
        """Does the token say the provider issued it (unverified: which check applies)?"""
        issuer = _segment(token, 1).get("iss")
        return isinstance(issuer, str) and issuer.rstrip("/") == self.issuer

    def verify(self, token: str, audience: str | None = None) -> dict[str, Any]:
        """The claims of a token the provider signed for `audience` (by default this API)."""
        audience = audience or self.audience
        if audience is None:
            raise ProviderTokenError("no audience is configured for provider tokens")
        try:
            header = _segment(token, 0)
            algorithm = header.get("alg")
            if algorithm not in self.algorithms:
                raise ProviderTokenError(f"algorithm {str(algorithm)[:16]!r} is not accepted")
            key = self.keys.key_for(header.get("kid"), algorithm)
            claims = jwt.decode(token, key, algorithms=[algorithm], audience=audience,
                                issuer=self.keys.discovery().issuer, leeway=LEEWAY_SECONDS,
                                options={"require": list(REQUIRED)})
        except ProviderUnreachableError:
            raise  # not the token's fault: 503, try again
        except (jwt.PyJWTError, ProviderKeyError) as error:
            raise ProviderTokenError(str(error)) from None
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise ProviderTokenError("token claims: sub must be non-empty text")
        return claims


def _segment(token: str, index: int) -> dict[str, Any]:
    """The header (0) or claims (1) of a compact JWT, unverified; {} if unreadable. (PyJWT's
    own parsing checks each character in Python: three times the cost of the signature.)"""
    try:
        segment = token.split(".", 2)[index]
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (IndexError, ValueError, binascii.Error):  # UnicodeDecodeError is a ValueError
        return {}
    return value if isinstance(value, dict) else {}
