"""/docs and /redoc work on a clinic network with no way out: the server itself serves
Swagger UI's and ReDoc's scripts and styles (from the installed fastapi-offline package), and
the browser is refused every request to any other host."""

from __future__ import annotations

import pytest

from tests.api.test_server import server, server_env  # noqa: F401  (pytest fixtures)

# ReDoc's sidebar footer shows Redocly's logo from their CDN; without it the footer shows the
# words alone. Nothing else a page asks of another host is allowed to be missed.
DECORATION = {"image"}


@pytest.fixture
def database_url(sqlite_url) -> str:
    """The pages, not the store, are under test: SQLite keeps the start short."""
    return sqlite_url


@pytest.fixture
def offline(page, server):  # noqa: F811
    """The page may reach the server under test and nothing else; what it tried is kept."""
    elsewhere: list[tuple[str, str]] = []

    def only_the_server(route) -> None:
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            elsewhere.append((route.request.resource_type, route.request.url))
            route.abort("blockedbyclient")

    page.context.route("**/*", only_the_server)
    page.elsewhere = elsewhere
    return page


def test_swagger_ui_and_redoc_render_with_every_other_host_blocked(offline, server):  # noqa: F811
    offline.goto(server + "/docs")
    offline.get_by_text("/v1/patients/{patient_id}/courses").first.wait_for()
    assert offline.get_by_text("/v1/courses/{course_id}/injections").count() >= 1
    assert offline.get_by_role("heading", name="mesoledger").count() >= 1

    offline.goto(server + "/redoc")
    offline.get_by_role("heading", name="Register Patient").first.wait_for()
    assert offline.get_by_text("Clinical records for mesotherapy clinics").count() >= 1

    needed = [(kind, url) for kind, url in offline.elsewhere if kind not in DECORATION]
    assert needed == [], "the docs pages asked another host for what they need"
