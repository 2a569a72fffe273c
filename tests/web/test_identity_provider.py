"""The sign-in page offers the clinic's identity provider only when one is configured, and
its button starts the provider sign-in (/auth/oidc/login → the provider, with PKCE)."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.oidc.loopback import API, CLIENT_ID, CLIENT_SECRET, REDIRECT_URL, ROLES, LoopbackProvider
from tests.oidc.loopback import installed as provider_installed
from tests.web.server import web_server


def test_sign_in_page_offers_the_configured_identity_provider(page, axe_script, tmp_path):
    provider_installed()
    (tmp_path / "provider").mkdir()
    provider = LoopbackProvider(tmp_path / "provider").start()
    settings = {
        "oidc_issuer": provider.issuer,
        "oidc_audience": API,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_redirect_url": REDIRECT_URL,
        "oidc_roles": ROLES,
    }
    try:
        with web_server(tmp_path / "web", **settings) as server:
            page.goto(server.url + "/")
            button = page.get_by_role("link", name="Sign in with the clinic's identity provider")
            expect(button).to_have_attribute("href", "/auth/oidc/login")
            assert_accessible(page, axe_script)
            answer = page.request.get(server.url + "/auth/oidc/login", max_redirects=0)
            assert answer.status == 303
            sent_to = urlsplit(answer.headers["location"])
            assert f"{sent_to.scheme}://{sent_to.netloc}" == provider.issuer.rstrip("/")
            query = parse_qs(sent_to.query)
            assert query["client_id"] == [CLIENT_ID] and query["code_challenge_method"] == ["S256"]
    finally:
        provider.stop()


def test_no_identity_provider_button_when_none_is_configured(page, server):
    page.goto(server.url + "/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(
        page.get_by_role("link", name="Sign in with the clinic's identity provider")
    ).to_have_count(0)
