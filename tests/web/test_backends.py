"""The web app on both stores: the front desk's and the chart's pages on SQLite and on
PostgreSQL (the other browser tests run on SQLite; the pages call the same use cases)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import postgres_schema
from tests.web import steps
from tests.web.server import web_server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store_server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        with web_server(tmp) as running:
            yield running
    else:
        with postgres_schema() as url, web_server(tmp, database_url=url) as running:
            yield running


def test_register_find_and_open_the_chart(page, store_server):
    server = store_server
    server.sign_in(page, "clinician")
    patient_id = steps.register(page, server, "BK-0001", "Joana Vieira-Santos")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Joana Vieira-Santos")
    page.goto(server.url + "/patients")
    page.get_by_label("Search patients").fill("vieira")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Joana Vieira-Santos").click()
    assert page.url.split("?")[0].endswith(patient_id)
    steps.screen(page, server, patient_id)
    expect(page.get_by_text("eligible", exact=True)).to_be_visible()
