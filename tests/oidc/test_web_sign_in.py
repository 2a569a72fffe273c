"""Web sign-in through the provider (authorization code with PKCE), driven like a browser:
the app sends it to the provider, the person signs in and consents there, and the provider
sends it back. Only the browser that started the sign-in, with its own state and verifier,
can finish it; every outcome is in the sign-in log."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient

from tests.api.conftest import problem
from tests.oidc.browser import through_provider
from tests.oidc.loopback import CLIENT_ID, REDIRECT_URL

MARIA = "maria.rossi@clinic-a.test"


def login(client) -> str:
    """Ask the app to sign in; the provider URL it sends the browser to."""
    response = client.get("/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def at_provider(url: str, email: str) -> str:
    """Sign in at the provider in a browser of one's own: the URL it sends back to."""
    with httpx.Client(timeout=10) as browser:
        return through_provider(browser, url, email, REDIRECT_URL)


def test_login_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(connect, provider):
    client = connect()
    response = client.get("/auth/oidc/login", follow_redirects=False)
    sent = urlsplit(response.headers["location"])
    asked = {key: values[0] for key, values in parse_qs(sent.query).items()}
    assert f"{sent.scheme}://{sent.netloc}" == provider.issuer
    assert asked["client_id"] == CLIENT_ID and asked["response_type"] == "code"
    assert asked["redirect_uri"] == REDIRECT_URL
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/auth/oidc" in cookie
    again = urlsplit(login(client)).query
    assert parse_qs(again)["state"][0] != asked["state"]  # fresh every time


def test_a_callback_from_a_browser_that_never_started_the_sign_in_is_refused(connect):
    starter = connect()
    stranger = TestClient(starter.app)  # the same app, a browser with no cookies
    back = at_provider(login(starter), MARIA)
    response = stranger.get(back, follow_redirects=False)
    body = problem(response, 401)
    assert "cookie missing" in body["detail"]
    assert "set-cookie" not in response.headers or "mesoledger_session" not in \
        response.headers["set-cookie"]


def test_a_callback_whose_state_is_not_the_browsers_is_refused(connect):
    client = connect()
    url = login(client)
    back = at_provider(url, MARIA)
    forged = back.replace(parse_qs(urlsplit(back).query)["state"][0], "x" * 32)
    body = problem(client.get(forged, follow_redirects=False), 401)
    assert "state" in body["detail"]


def test_a_code_stolen_from_another_browser_fails_pkce(connect):
    """The attacker's browser has its own attempt (state and verifier); the victim's code,
    brought back with the attacker's state, is redeemed with the wrong verifier."""
    client = connect()
    victim_url = login(client)
    attacker_url = login(client)  # the cookie is now the attacker's attempt
    victims_code = parse_qs(urlsplit(at_provider(victim_url, MARIA)).query)["code"][0]
    attackers_state = parse_qs(urlsplit(attacker_url).query)["state"][0]
    response = client.get("/auth/oidc/callback", params={"code": victims_code,
                                                         "state": attackers_state},
                          follow_redirects=False)
    body = problem(response, 401)
    assert "invalid_grant" in body["detail"]


def test_the_providers_refusal_is_a_refused_sign_in(connect):
    client = connect()
    state = parse_qs(urlsplit(login(client)).query)["state"][0]
    response = client.get("/auth/oidc/callback", params={"error": "access_denied",
                                                         "state": state},
                          follow_redirects=False)
    assert "access_denied" in problem(response, 401)["detail"]


def test_without_a_configured_client_there_is_no_provider_sign_in(connect):
    client = connect(oidc_client_id=None)
    problem(client.get("/auth/oidc/login", follow_redirects=False), 404)
