"""When the clinic's provider cannot be reached, its tokens are not "bad" (401, the client
would throw them away) but not checkable now (503, try again); keys already fetched keep
working through the outage."""

from __future__ import annotations

from tests.api import bodies
from tests.api.conftest import nothing_recorded, problem
from tests.api.test_server import free_port
from tests.oidc.loopback import LoopbackProvider, rsa_jwk

MARIA = "maria.rossi@clinic-a.test"


def register(client, token: str, mrn: str):
    return client.post("/v1/patients", json=bodies.registration(mrn),
                       headers={"Authorization": f"Bearer {token}"})


def test_a_token_of_a_provider_that_cannot_be_reached_is_503_not_401(connect, provider):
    nowhere = f"http://127.0.0.1:{free_port()}"
    client = connect(oidc_issuer=nowhere)
    with nothing_recorded(client.app):
        response = register(client, provider.sign(MARIA, iss=nowhere), "MRN-DOWN")
    problem(response, 503)
    assert response.headers["Retry-After"]
    problem(client.get("/auth/oidc/login", follow_redirects=False), 503)


def test_keys_already_fetched_outlive_an_outage_of_the_provider(connect, tmp_path):
    own = LoopbackProvider(tmp_path).start()
    try:
        client = connect(oidc_issuer=own.issuer, oidc_keys_ttl_seconds=60,
                         oidc_refetch_seconds=10)
        keys = client.app.state.services.tokens.provider.keys
        assert register(client, own.sign(MARIA, jti="before"), "MRN-O1").status_code == 201
    finally:
        own.stop()
    started = keys.clock()
    keys.clock = lambda: started + 61  # the keys are due for a refresh: it fails
    response = register(client, own.sign(MARIA, jti="during"), "MRN-O2")
    assert response.status_code == 201, response.text
    stranger, _ = rsa_jwk("rsa-new")  # maybe rotated while we cannot look: 503, not 401
    with nothing_recorded(client.app):
        refused = register(client, own.sign(MARIA, stranger, kid="rsa-new"), "MRN-O3")
    assert "cannot be reached" in problem(refused, 503)["detail"]
