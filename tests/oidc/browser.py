"""A person signing in at the provider, without a browser: httpx follows the redirects and
fills in the provider's own login and consent forms until it is sent back to the client."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from tests.oidc.loopback import API, CLIENT_ID, CLIENT_SECRET, REDIRECT_URL

FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def through_provider(http: httpx.Client, url: str, email: str, back_to: str) -> str:
    """Follow the provider from an authorization URL, signing in as `email` and consenting,
    until it redirects to `back_to`: that URL (with the code and state)."""
    response = http.get(url)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if location.startswith(back_to):
                return location
            response = http.get(location)
            continue
        assert response.status_code == 200, response.text
        action, form = FORM.search(response.text).groups()
        fields = dict(HIDDEN.findall(form))
        if fields.get("prompt") == "login":
            fields |= {"login": email, "password": "any password at the test provider"}
        response = http.post(urljoin(str(response.url), action.replace("&amp;", "&")),
                             data=fields)
    raise AssertionError("the provider never sent the browser back")


def access_token(issuer: str, email: str, resource: str = API) -> str:
    """A real access token for `resource`, by authorization code with PKCE."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    with httpx.Client(timeout=10) as http:
        back = through_provider(http, str(httpx.URL(f"{issuer}/auth", params={
            "client_id": CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT_URL,
            "scope": "openid email profile clinic", "resource": resource,
            "state": secrets.token_urlsafe(8), "code_challenge_method": "S256",
            "code_challenge": challenge.rstrip(b"=").decode()})), email, REDIRECT_URL)
        code = parse_qs(urlsplit(back).query)["code"][0]
        answer = http.post(f"{issuer}/token", auth=(CLIENT_ID, CLIENT_SECRET), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URL,
            "code_verifier": verifier, "resource": resource})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]
