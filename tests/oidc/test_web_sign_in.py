"""Web sign-in through the provider (authorization code with PKCE), driven like a browser:
the app sends it to the provider, the person signs in and consents there, and the provider
sends it back. Only the browser that started the sign-in, with its own state and verifier,
can finish it; every outcome is in the sign-in log."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient

from tests.api import bodies
from tests.api.conftest import as_role, nothing_recorded, problem
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


def test_free_text_posing_as_the_providers_error_is_not_logged(connect):
    client = connect()
    response = client.get("/auth/oidc/callback", params={"error": "denied; call 555-0100"},
                          follow_redirects=False)
    problem(response, 422, field="query.error")
    assert sign_in_log(client) == []


def test_without_a_configured_client_there_is_no_provider_sign_in(connect):
    client = connect(oidc_client_id=None)
    problem(client.get("/auth/oidc/login", follow_redirects=False), 404)


def sign_in_log(client, **where) -> list[dict]:
    response = client.get("/v1/sign-in-log", params=where, headers=as_role("regulator"))
    assert response.status_code == 200, response.text
    return response.json()["entries"]


def signed_in_through_provider(client, email: str):
    """The whole round: the app, the provider's login and consent, back to the app."""
    return client.get(at_provider(login(client), email), follow_redirects=False)


def test_signing_in_through_the_provider_ends_with_a_working_session(connect):
    client = connect()
    response = signed_in_through_provider(client, MARIA)
    assert response.status_code == 200, response.text
    assert 'http-equiv="refresh" content="0;url=/"' in response.text
    cookie = response.headers["set-cookie"]
    assert "mesoledger_session=" in cookie and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    registered = client.post("/v1/patients", json=bodies.registration("MRN-WEB-1"))
    assert registered.status_code == 201, registered.text  # the cookie alone: her session
    maria = client.roster.ids[MARIA]
    [entry] = sign_in_log(client, staff_id=maria)
    assert (entry["outcome"], entry["detail"]) == ("signed_in",
                                                  "through the identity provider")
    assert entry["session_id"]
    signed_out = client.delete("/v1/sessions")
    assert signed_out.status_code == 204, signed_out.text
    problem(client.get("/v1/patients"), 401)


def test_a_deactivated_account_cannot_sign_in_through_the_provider(connect):
    client = connect()
    with nothing_recorded(client.app):
        response = signed_in_through_provider(client, "left.last.year@clinic-a.test")
    problem(response, 401)
    assert "mesoledger_session" not in response.headers.get("set-cookie", "")
    sam = client.roster.ids["left.last.year@clinic-a.test"]
    [entry] = sign_in_log(client, staff_id=sam)
    assert entry["outcome"] == "refused_inactive" and entry["session_id"] is None
    problem(client.get("/v1/patients"), 401)


def test_a_provider_user_without_a_staff_account_cannot_sign_in(connect):
    client = connect()
    response = signed_in_through_provider(client, "visitor@clinic-a.test")
    assert "no staff account" in problem(response, 401)["detail"]
    entries = sign_in_log(client, outcome="unknown_account")
    assert [e["staff_id"] for e in entries] == [None]
    assert "visitor" not in str(entries)  # the address is not kept


def test_a_refused_callback_is_in_the_sign_in_log(connect):
    client = connect()
    back = at_provider(login(client), MARIA)
    forged = back.replace(parse_qs(urlsplit(back).query)["state"][0], "x" * 32)
    problem(client.get(forged, follow_redirects=False), 401)
    [entry] = sign_in_log(client, outcome="failed")
    assert "state" in entry["detail"] and entry["detail"].startswith("the identity provider")


def test_a_role_the_account_does_not_hold_gives_no_session(connect):
    client = connect()  # the provider says clinician; Ana's account is a receptionist's
    response = signed_in_through_provider(client, "ana.silva@clinic-a.test")
    problem(response, 401)
    [entry] = sign_in_log(client, staff_id=client.roster.ids["ana.silva@clinic-a.test"])
    assert entry["outcome"] == "failed"
