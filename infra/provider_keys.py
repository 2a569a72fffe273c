"""The identity provider's published keys: found through its discovery document, kept for a
while, fetched again when a token names a key id not seen yet (the provider rotated its
keys), but not more often than a setting allows, so made-up key ids cannot flood it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import jwt

KEY_TYPES = {"RS256": "RSA", "ES256": "EC"}  # the only algorithms a provider token may use
CURVES = {"ES256": "P-256"}


class ProviderKeyError(Exception):
    """No key of the provider's can verify this token."""


class ProviderUnreachableError(ProviderKeyError):
    """The provider's keys cannot be fetched now, and none that would do are cached."""


@dataclass(frozen=True)
class Discovery:
    """What the provider's /.well-known/openid-configuration says, as far as we use it."""

    issuer: str
    jwks_uri: str
    authorization_endpoint: str
    token_endpoint: str


class ProviderKeys:
    def __init__(self, issuer: str, ttl_seconds: float, refetch_seconds: float,
                 http: httpx.Client | None = None,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.issuer, self.ttl, self.refetch = issuer.rstrip("/"), ttl_seconds, refetch_seconds
        self._http = http or httpx.Client(timeout=5.0)
        self.clock = now  # monotonic seconds; a test may move it
        self._lock = threading.Lock()
        self._discovery: Discovery | None = None
        self._keys: dict[str, dict] = {}
        self._verifiers: dict[tuple[str, str], jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._unreachable: str | None = None  # why the last fetch failed, if it did

    def discovery(self) -> Discovery:
        """The provider's endpoints (fetched once; its issuer must be the configured one)."""
        if self._discovery is None:
            document = self._get(f"{self.issuer}/.well-known/openid-configuration")
            if str(document.get("issuer", "")).rstrip("/") != self.issuer:
                raise ProviderKeyError("the provider's discovery document names another issuer")
            try:
                self._discovery = Discovery(document["issuer"], document["jwks_uri"],
                                            document["authorization_endpoint"],
                                            document["token_endpoint"])
            except KeyError as missing:
                raise ProviderKeyError(f"the provider's discovery lacks {missing}") from None
        return self._discovery

    def key_for(self, kid: object, algorithm: str) -> jwt.PyJWK:
        """The published key with this id, usable with this algorithm."""
        if algorithm not in KEY_TYPES:
            raise ProviderKeyError(f"algorithm {algorithm!r} is not accepted")
        if not isinstance(kid, str) or not kid:
            raise ProviderKeyError("the token names no key id (kid)")
        with self._lock:
            if self._stale() or (kid not in self._keys and self._may_refetch()):
                self._fetch()
            jwk = self._keys.get(kid)
            if jwk is None and self._unreachable:
                raise ProviderUnreachableError(self._unreachable)
            if jwk is None:
                raise ProviderKeyError(f"unknown key id {kid[:64]!r}")
            return self._verifier(kid, jwk, algorithm)

    def _stale(self) -> bool:
        return self._fetched_at is None or self.clock() - self._fetched_at >= self.ttl

    def _may_refetch(self) -> bool:
        return self.clock() - self._fetched_at >= self.refetch

    def _fetch(self) -> None:
        """Fetch the keys; if the provider cannot be reached, keep the keys we have and try
        again after the refetch interval (not on every request)."""
        self._fetched_at = attempted = self.clock()
        try:
            published = self._get(self.discovery().jwks_uri).get("keys")
        except ProviderUnreachableError as error:
            self._fetched_at, self._unreachable = attempted - self.ttl + self.refetch, str(error)
            return
        self._unreachable = None
        if not isinstance(published, list):
            raise ProviderKeyError("the provider's JWKS has no keys")
        self._keys = {key["kid"]: key for key in published
                      if isinstance(key, dict) and isinstance(key.get("kid"), str)
                      and key.get("use", "sig") == "sig"}
        self._verifiers.clear()

    def _verifier(self, kid: str, jwk: dict, algorithm: str) -> jwt.PyJWK:
        """A key verifies only the algorithm its type is for (never HS with a public key)."""
        if jwk.get("kty") != KEY_TYPES[algorithm] or jwk.get("alg", algorithm) != algorithm \
                or jwk.get("crv", CURVES.get(algorithm)) != CURVES.get(algorithm):
            raise ProviderKeyError(f"key {kid[:64]!r} is not a key for {algorithm}")
        verifier = self._verifiers.get((kid, algorithm))
        if verifier is None:
            try:
                verifier = jwt.PyJWK(jwk, algorithm)
            except jwt.PyJWTError as error:
                raise ProviderKeyError(f"key {kid[:64]!r}: {error}") from None
            self._verifiers[kid, algorithm] = verifier
        return verifier

    def _get(self, url: str) -> dict:
        try:
            response = self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise ProviderUnreachableError(f"the identity provider cannot be reached: {error}"
                                           ) from None
        try:
            document = response.json()
        except ValueError:
            raise ProviderKeyError("the identity provider answered with something else"
                                   ) from None
        if not isinstance(document, dict):
            raise ProviderKeyError("the identity provider answered with something else")
        return document
