"""Bearer tokens from the clinic's OpenID provider (a real one, on loopback): taken only when
its published keys verify them, with a pinned algorithm, from the configured issuer, for this
API, unexpired, and naming an active staff account; the provider's key rotation is picked up.
Every refusal is a 401 that records nothing."""

from __future__ import annotations

import hashlib
import hmac
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from infra.settings import Settings
from tests.api import bodies
from tests.api.conftest import as_role, nothing_recorded, problem
from tests.api.test_tokens import b64, unsigned
from tests.oidc.browser import access_token
from tests.oidc.loopback import API, API_ES256, ELSEWHERE, rsa_jwk

MARIA, TOM = "maria.rossi@clinic-a.test", "tom.baker@clinic-a.test"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client, token: str, mrn: str = "MRN-OIDC-1"):
    return client.post("/v1/patients", json=bodies.registration(mrn), headers=bearer(token))


def refused(client, token: str, why: str = "") -> dict:
    with nothing_recorded(client.app):
        response = register(client, token, "MRN-REFUSED")
    body = problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert why in body["detail"], body
    return body


def forged(provider, key=None, kid: str | None = None, alg: str = "RS256", **changes) -> str:
    """Claims as the provider would send for Maria, signed with the provider's own key (or
    another), with one thing changed."""
    return provider.sign(MARIA, key, kid, alg, **changes)


def hs256_signed_with(secret: bytes, claims: dict, kid: str) -> str:
    """HS256 by hand, naming the provider's RSA key (PyJWT would refuse the PEM as a secret;
    an attacker would not): key confusion."""
    head = unsigned({"alg": "HS256", "typ": "JWT", "kid": kid}, claims).rsplit(".", 1)[0]
    return f"{head}.{b64(hmac.new(secret, head.encode(), hashlib.sha256).digest())}"


def recorded_actor(client, response) -> dict:
    patient, position = response.json()["patient_id"], response.json()["position"]
    history = client.get(f"/v1/patients/{patient}/history", params={"min_position": position},
                         headers=as_role("auditor"))
    assert history.status_code == 200, history.text
    return history.json()[0]["actor"]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_provider_access_token_with_this_apis_audience_is_accepted(connect, provider,
                                                                     request, backend):
    client = connect(request.getfixturevalue(f"{backend}_url"))
    token = access_token(provider.issuer, MARIA)
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == API
    response = register(client, token)
    assert response.status_code == 201, response.text
    assert recorded_actor(client, response) == {"id": client.roster.ids[MARIA],
                                                "name": "Dr Maria Rossi", "role": "clinician"}


def test_an_es256_token_from_the_provider_is_accepted(connect, provider):
    client = connect(oidc_audience=API_ES256)
    token = access_token(provider.issuer, MARIA, resource=API_ES256)
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    assert register(client, token).status_code == 201


def test_the_secret_signed_tokens_keep_working_beside_the_provider(connect):
    client = connect()
    response = client.post("/v1/patients", json=bodies.registration("MRN-HS"),
                           headers=as_role("receptionist"))
    assert response.status_code == 201, response.text


def test_a_token_the_provider_issued_for_another_service_is_refused(connect, provider):
    refused(connect(), access_token(provider.issuer, MARIA, resource=ELSEWHERE), "Audience")


def test_a_token_from_another_issuer_signed_with_the_providers_key_is_refused(connect,
                                                                             provider):
    refused(connect(), forged(provider, iss="http://127.0.0.1:9/"))


def test_an_expired_provider_token_is_refused(connect, provider):
    now = int(time.time())
    refused(connect(), forged(provider, iat=now - 3600, exp=now - 120), "expired")


def test_a_provider_token_without_an_audience_is_refused(connect, provider):
    token = forged(provider)
    claims = jwt.decode(token, options={"verify_signature": False})
    del claims["aud"]
    refused(connect(), jwt.encode(claims, provider.signing[provider.kid], algorithm="RS256",
                                  headers={"kid": provider.kid}), "aud")


def test_a_token_signed_by_a_key_the_provider_never_published_is_refused(connect, provider):
    client = connect(oidc_refetch_seconds=60)
    keys = client.app.state.services.tokens.provider.keys
    assert register(client, access_token(provider.issuer, MARIA)).status_code == 201
    fetched, started = provider.jwks_requests(), keys.clock()
    stranger, _ = rsa_jwk("rsa-999")
    keys.clock = lambda: started + 61
    refused(client, forged(provider, stranger, kid="rsa-999"), "unknown key id")
    assert provider.jwks_requests() == fetched + 1  # looked again once, for a rotation
    keys.clock = lambda: started + 62
    refused(client, forged(provider, stranger, kid="rsa-998"), "unknown key id")
    assert provider.jwks_requests() == fetched + 1  # not again within the refetch interval


def test_a_known_key_id_with_another_key_is_refused(connect, provider):
    stranger, _ = rsa_jwk(provider.kid)
    refused(connect(), forged(provider, stranger, kid=provider.kid), "Signature")


def test_an_unsigned_token_alg_none_is_refused(connect, provider):
    claims = jwt.decode(forged(provider), options={"verify_signature": False})
    refused(connect(), unsigned({"alg": "none", "kid": provider.kid}, claims), "algorithm")


def test_hs256_signed_with_the_providers_public_key_is_refused(connect, provider):
    claims = jwt.decode(forged(provider), options={"verify_signature": False})
    public = provider.signing[provider.kid].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    client = connect()
    for secret in (public, jwt.algorithms.RSAAlgorithm.to_jwk(
            provider.signing[provider.kid].public_key()).encode()):
        refused(client, hs256_signed_with(secret, claims, kid=provider.kid), "algorithm")


def test_an_es256_token_signed_with_an_rsa_key_id_is_refused(connect, provider):
    token = forged(provider, provider.signing["ec-1"], kid=provider.kid, alg="ES256")
    refused(connect(), token, "not a key for ES256")


def test_the_providers_key_rotation_is_picked_up(connect, provider):
    client = connect(oidc_refetch_seconds=0)
    before = access_token(provider.issuer, MARIA)
    assert register(client, before, "MRN-R1").status_code == 201
    new_kid = provider.rotate()
    after = access_token(provider.issuer, MARIA)
    assert jwt.get_unverified_header(after)["kid"] == new_kid
    response = register(client, after, "MRN-R2")
    assert response.status_code == 201, response.text


def test_a_deactivated_staff_members_provider_token_stops_working_at_once(connect, provider):
    client = connect()
    token = access_token(provider.issuer, TOM)
    screened = client.get("/v1/patients", headers=bearer(token))
    assert screened.status_code == 200, screened.text
    client.roster.deactivate(TOM)
    with nothing_recorded(client.app):
        response = client.get("/v1/patients", headers=bearer(token))
    problem(response, 401)


def test_an_account_deactivated_before_sign_in_is_refused(connect, provider):
    refused(connect(), access_token(provider.issuer, "left.last.year@clinic-a.test"),
            "deactivated")


def test_a_provider_user_without_a_staff_account_is_refused(connect, provider):
    refused(connect(), access_token(provider.issuer, "visitor@clinic-a.test"),
            "no staff account of clinic-a")


def test_the_role_comes_from_the_mapped_claim_not_the_account(connect, provider):
    client = connect()
    token = access_token(provider.issuer, TOM)  # groups: staff, meso-nurses → nurse
    response = register(client, token)
    problem(response, 403)  # a nurse does not register patients
    listed = client.get("/v1/patients", headers=bearer(token))
    assert listed.status_code == 200, listed.text


def test_claims_mapping_to_several_roles_are_refused(connect, provider):
    refused(connect(), access_token(provider.issuer, "two.hats@clinic-a.test"), "several roles")


def test_a_role_the_account_does_not_hold_is_refused(connect, provider):
    client = connect()  # the provider says clinician; her account is a receptionist's
    refused(client, access_token(provider.issuer, "ana.silva@clinic-a.test"),
            "no longer holds the role")


def test_the_clinic_claim_names_the_clinic_the_account_is_looked_up_in(connect, provider):
    refused(connect(), forged(provider, clinic="clinic-b"), "no staff account of clinic-b")


def test_without_a_clinic_claim_the_configured_clinic_applies(connect, provider):
    client = connect(oidc_clinic_claim=None, oidc_clinic="clinic-a")
    assert register(client, forged(provider, clinic="clinic-b")).status_code == 201


def test_the_providers_keys_are_fetched_once_and_again_after_their_ttl(connect, provider):
    client = connect(oidc_keys_ttl_seconds=300)
    keys = client.app.state.services.tokens.provider.keys
    fetched = provider.jwks_requests()
    for i in range(4):  # four tokens never seen before: one fetch of the keys for them all
        assert register(client, forged(provider, jti=f"t-{i}"), f"MRN-T{i}").status_code == 201
    assert provider.jwks_requests() == fetched + 1
    started = keys.clock()
    keys.clock = lambda: started + 301
    assert register(client, forged(provider, jti="t-late"), "MRN-T9").status_code == 201
    assert provider.jwks_requests() == fetched + 2


def test_a_provider_sending_the_staff_id_as_subject_is_matched_by_it(connect, provider):
    client = connect(oidc_match_by="subject")
    maria = client.roster.ids[MARIA]
    response = register(client, forged(provider, sub=maria, email="someone@else.test"))
    assert response.status_code == 201, response.text
    assert recorded_actor(client, response)["id"] == maria
    refused(client, forged(provider), "no staff account")  # sub: her e-mail


def test_a_role_map_naming_no_role_of_ours_is_refused_at_start():
    with pytest.raises(ValueError, match="not roles: doctor"):
        Settings(oidc_roles={"meso-clinicians": "clinician", "meso-doctors": "doctor"})
