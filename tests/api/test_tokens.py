"""Bearer tokens: anything but a well-signed, unexpired token naming a real role is a 401
with WWW-Authenticate, and records nothing; the body cannot name another actor."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api.http.app import create_app
from infra.tokens import InvalidTokenError, TokenKeys
from tests.api import bodies
from tests.api.conftest import SECRET, STAFF, as_role, nothing_recorded, problem, token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(role: str = "clinician", clinic: str = "clinic-a", **changes) -> dict:
    now = datetime.now(UTC)
    return {"sub": STAFF[role][0], "name": STAFF[role][1], "role": role, "clinic": clinic,
            "iat": now, "exp": now + timedelta(hours=1)} | changes


def unsigned(header: dict, payload: dict, signature: bytes = b"") -> str:
    payload = {k: int(v.timestamp()) if isinstance(v, datetime) else v
               for k, v in payload.items()}
    return ".".join((b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()),
                     b64(signature)))


def tampered(role: str) -> str:
    """A clinician's real token with the role claim changed and the signature kept."""
    header, payload, signature = token("nurse").split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join((header, b64(json.dumps(decoded | {"role": role}).encode()), signature))


def hs256_signed_with(key: bytes, payload: dict) -> str:
    """HS256 by hand (PyJWT refuses a PEM as an HMAC secret, an attacker would not)."""
    head = unsigned({"alg": "HS256", "typ": "JWT"}, payload).rsplit(".", 1)[0]
    return f"{head}.{b64(hmac.new(key, head.encode(), hashlib.sha256).digest())}"


BAD_TOKENS = {
    "garbage": lambda: "not-a-jwt",
    "three dots of nonsense": lambda: "a.b.c",
    "tampered role claim": lambda: tampered("clinician"),
    "expired": lambda: token("clinician", ttl=timedelta(seconds=-5)),
    "another secret": lambda: jwt.encode(claims(), "another-secret-long-enough-for-hs256-use",
                                         algorithm="HS256"),
    "alg none": lambda: unsigned({"alg": "none", "typ": "JWT"}, claims()),
    "HS384": lambda: jwt.encode(claims(), SECRET, algorithm="HS384"),
    "no expiry": lambda: jwt.encode({k: v for k, v in claims().items() if k != "exp"},
                                    SECRET, algorithm="HS256"),
    "no role": lambda: jwt.encode({k: v for k, v in claims().items() if k != "role"},
                                  SECRET, algorithm="HS256"),
    "role that is not a role": lambda: jwt.encode(claims(role="clinician") | {
        "role": "superuser"}, SECRET, algorithm="HS256"),
    "role of the wrong type": lambda: jwt.encode(claims() | {"role": ["clinician"]},
                                                 SECRET, algorithm="HS256"),
    "clinician of every clinic": lambda: token("clinician", clinic="*"),
    "auditor of every clinic": lambda: token("auditor", clinic="*"),
    "regulator of one clinic": lambda: token("regulator", clinic="clinic-a"),
    "empty subject": lambda: jwt.encode(claims(sub=""), SECRET, algorithm="HS256"),
    "numeric subject": lambda: jwt.encode(claims(sub=7), SECRET, algorithm="HS256"),
    "empty clinic": lambda: jwt.encode(claims(clinic=""), SECRET, algorithm="HS256"),
    "clinic of the wrong type": lambda: jwt.encode(claims(clinic={"id": "clinic-a"}), SECRET,
                                                   algorithm="HS256"),
    "claims not an object": lambda: jwt.PyJWS().encode(b"[1, 2]", SECRET, algorithm="HS256"),
}


def refused_as_unauthenticated(response) -> None:
    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def patient(given) -> str:
    return given.patient()


def test_a_request_without_a_token_is_401(app, client, patient):
    with nothing_recorded(app):
        for response in (client.get(f"/v1/patients/{patient}"),
                         client.post("/v1/patients", json=bodies.registration("MRN-9")),
                         client.get("/v1/patients", headers={"Authorization": "Basic dTpw"}),
                         client.get("/v1/audit", headers={"Authorization": "Bearer "})):
            refused_as_unauthenticated(response)


def test_a_bad_token_is_401_for_reads_and_writes(app, client, patient, subtests):
    for kind, make in BAD_TOKENS.items():
        with subtests.test(token=kind):
            headers = {"Authorization": f"Bearer {make()}"}
            with nothing_recorded(app):
                read = client.get(f"/v1/patients/{patient}", headers=headers)
                write = client.post("/v1/patients", json=bodies.registration("MRN-9"),
                                    headers=headers | {"Idempotency-Key": "k-1"})
                listed = client.get("/v1/patients", headers=headers)
            for response in (read, write, listed):
                refused_as_unauthenticated(response)
            assert patient not in read.text


@pytest.fixture
def rsa_key(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "idp.pem").write_bytes(public)
    return key, public


@pytest.fixture
def rs256_client(api_settings, clock, rsa_key, tmp_path):
    settings = api_settings.model_copy(update={"jwt_secret": None,
                                               "jwt_public_key_path": tmp_path / "idp.pem"})
    with TestClient(create_app(settings, clock=clock)) as client:
        yield client


def test_an_identity_providers_rs256_token_works_and_nothing_else_does(rs256_client, rsa_key):
    key, public = rsa_key
    good = jwt.encode(claims("receptionist"), key, algorithm="RS256")
    registered = rs256_client.post("/v1/patients", json=bodies.registration("MRN-77"),
                                   headers={"Authorization": f"Bearer {good}"})
    assert registered.status_code == 201, registered.text
    app = rs256_client.app
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for bad in (token("receptionist"),  # HS256 with the secret the server no longer uses
                hs256_signed_with(public, claims("receptionist")),  # key confusion
                jwt.encode(claims("receptionist"), other_key, algorithm="RS256"),
                unsigned({"alg": "none"}, claims("receptionist"))):
        with nothing_recorded(app):
            response = rs256_client.post("/v1/patients", json=bodies.registration("MRN-78"),
                                         headers={"Authorization": f"Bearer {bad}"})
        refused_as_unauthenticated(response)


@pytest.mark.parametrize("extra", [{"actor": {"id": "u-admin", "name": "Admin",
                                              "role": "clinician"}},
                                   {"role": "clinician"}, {"recorded_at": "2020-01-01T00:00:00Z"},
                                   {"clinic": "clinic-b"}])
def test_a_body_cannot_name_the_actor_role_clinic_or_time(app, client, given, extra):
    patient = given.consented_patient()
    course_body = bodies.screening() | extra
    with nothing_recorded(app):
        registered = client.post("/v1/patients", json=bodies.registration("MRN-5") | extra,
                                 headers=as_role("receptionist"))
        screened = client.post(f"/v1/patients/{patient}/screenings", json=course_body,
                               headers=as_role("nurse") | {"Idempotency-Key": "k-2"})
        screened_by_clinician = client.post(f"/v1/patients/{patient}/screenings",
                                            json=course_body, headers=as_role("clinician"))
    problem(registered, 422, field=next(iter(extra)))
    problem(screened, 403)  # the role comes from the token, whatever the body says
    problem(screened_by_clinician, 422, field=next(iter(extra)))


def test_a_token_accepted_before_is_refused_once_it_expires(monkeypatch):
    keys = TokenKeys("HS256", SECRET, SECRET)
    issued = keys.issue("u-1", "Dr One", "clinician", "clinic-a", ttl=timedelta(minutes=5))
    assert keys.decode(issued)["sub"] == "u-1"
    assert keys.decode(issued)["sub"] == "u-1"  # now remembered as verified
    later = time.time() + 301
    monkeypatch.setattr("infra.tokens.time.time", lambda: later)
    with pytest.raises(InvalidTokenError, match="expired"):
        keys.decode(issued)


def test_a_remembered_token_does_not_make_an_edited_copy_valid():
    keys = TokenKeys("HS256", SECRET, SECRET)
    issued = keys.issue("u-1", "Dr One", "nurse", "clinic-a")
    keys.decode(issued)
    header, payload, signature = issued.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    edited = ".".join((header, b64(json.dumps(decoded | {"role": "clinician"}).encode()),
                       signature))
    with pytest.raises(InvalidTokenError):
        keys.decode(edited)


@pytest.mark.parametrize("exp", ["2000000000", 2000000000.9], ids=["text", "fraction"])
def test_a_remembered_tokens_expiry_is_read_as_the_verifier_reads_it(monkeypatch, exp):
    keys = TokenKeys("HS256", SECRET, SECRET)
    issued = jwt.encode(claims(exp=exp), SECRET, algorithm="HS256")
    keys.decode(issued)
    keys.decode(issued)  # remembered: no TypeError on text
    monkeypatch.setattr("infra.tokens.time.time", lambda: 2000000000.5)
    with pytest.raises(InvalidTokenError, match="expired"):
        keys.decode(issued)
