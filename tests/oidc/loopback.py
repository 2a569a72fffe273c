"""The real OpenID Connect provider of tests/oidc/provider.js, run on loopback: its keys are
made here (so a test can also sign what the provider never would, with the provider's own
key), and rotated while it runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.one_at_a_time import one_at_a_time

HERE = Path(__file__).parent
API = "https://api.mesoledger.test"  # the audience of access tokens for this API
API_ES256 = "https://es256.mesoledger.test"  # the same API, its tokens signed with ES256
ELSEWHERE = "https://billing.example.test"  # another resource server of the same provider
CLIENT_ID, CLIENT_SECRET = "mesoledger-web", "loopback-client-secret-for-tests"
REDIRECT_URL = "http://testserver/auth/oidc/callback"
ROLES = {"meso-clinicians": "clinician", "meso-nurses": "nurse", "meso-auditors": "auditor",
         "meso-front-desk": "receptionist"}
ACCOUNTS = {  # the provider's people; the staff accounts they match are the tests' business
    "maria.rossi@clinic-a.test": {"name": "Dr Maria Rossi", "groups": ["meso-clinicians"],
                                  "clinic": "clinic-a"},
    "tom.baker@clinic-a.test": {"name": "Tom Baker", "groups": ["staff", "meso-nurses"],
                                "clinic": "clinic-a"},
    "left.last.year@clinic-a.test": {"name": "Sam Gone", "groups": ["meso-clinicians"],
                                     "clinic": "clinic-a"},
    "visitor@clinic-a.test": {"name": "Vic Itor", "groups": ["meso-clinicians"],
                              "clinic": "clinic-a"},
    "ana.silva@clinic-a.test": {"name": "Ana Silva", "groups": ["meso-clinicians"],
                                "clinic": "clinic-a"},  # the provider's groups are wrong
    "two.hats@clinic-a.test": {"name": "Two Hats", "groups": ["meso-clinicians",
                                                             "meso-auditors"],
                               "clinic": "clinic-a"},
}


def rsa_jwk(kid: str) -> tuple[rsa.RSAPrivateKey, dict]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key, json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key)) | {
        "kid": kid, "use": "sig", "alg": "RS256"}


def ec_jwk(kid: str) -> tuple[ec.EllipticCurvePrivateKey, dict]:
    key = ec.generate_private_key(ec.SECP256R1())
    return key, json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key)) | {
        "kid": kid, "use": "sig", "alg": "ES256"}


def installed() -> None:
    """`npm ci` once per machine (node_modules is not committed); a missing Node is a failure
    in CI and a skip elsewhere."""
    import pytest

    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("Node and npm are required in CI for the OpenID provider tests")
        pytest.skip("Node is not installed")
    with one_at_a_time(HERE):  # another test process may be installing it right now
        if not _installed_from_lock():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE,
                           check=True, timeout=300)


def _installed_from_lock() -> bool:
    lock, stamp = HERE / "package-lock.json", HERE / "node_modules" / ".package-lock.json"
    return stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime


@dataclass
class LoopbackProvider:
    workdir: Path
    signing: dict = field(default_factory=dict)  # kid → private key, of the keys in use
    process: subprocess.Popen | None = None
    issuer: str = ""

    def start(self) -> LoopbackProvider:
        self.rsa_key, rsa_public = rsa_jwk("rsa-1")
        self.ec_key, self.ec_public = ec_jwk("ec-1")
        self.signing = {"rsa-1": self.rsa_key, "ec-1": self.ec_key}
        self.kid = "rsa-1"  # the RSA key it signs with now
        config = {
            "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                         "redirect_uris": [REDIRECT_URL], "response_types": ["code"],
                         "grant_types": ["authorization_code"],
                         "token_endpoint_auth_method": "client_secret_basic"}],
            "accounts": ACCOUNTS,
            "jwks": {"keys": [rsa_public, self.ec_public]},
            "resources": {API: {"alg": "RS256"}, API_ES256: {"alg": "ES256"},
                          ELSEWHERE: {"alg": "RS256"}},
        }
        path = self.workdir / "provider.json"
        path.write_text(json.dumps(config))
        with (self.workdir / "provider.log").open("w") as log:  # its warnings, for a failure
            self.process = subprocess.Popen(["node", str(HERE / "provider.js"), str(path)],
                                            stdout=subprocess.PIPE, stderr=log, text=True)
        started = self.process.stdout.readline()
        if not started:
            raise RuntimeError("the OpenID provider did not start: "
                               + (self.workdir / "provider.log").read_text()[-2000:])
        self.issuer = json.loads(started)["issuer"]
        return self

    def rotate(self) -> str:
        """The provider signs with a new RSA key from now on; the old one is withdrawn."""
        kid = f"rsa-{sum(kid.startswith('rsa-') for kid in self.signing) + 1}"
        self.rsa_key, public = rsa_jwk(kid)
        self.signing[kid], self.kid = self.rsa_key, kid
        keys = {"keys": [public, self.ec_public]}
        httpx.post(f"{self.issuer}/admin/keys", json=keys).raise_for_status()
        return kid

    def sign(self, person: str, key=None, kid: str | None = None, alg: str = "RS256",
             **changes) -> str:
        """An access token for this API as the provider would sign it for `person` (with its
        own current key, unless told otherwise), with `changes` to its claims."""
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": API, "sub": person, "email": person,
                  "email_verified": True, "iat": now, "exp": now + 600} | ACCOUNTS[person] \
            | changes
        kid = kid or self.kid
        return jwt.encode(claims, key or self.signing[kid], algorithm=alg,
                          headers={"kid": kid, "typ": "at+jwt"})

    def jwks_requests(self) -> int:
        return httpx.get(f"{self.issuer}/admin/stats").json()["jwks_requests"]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
