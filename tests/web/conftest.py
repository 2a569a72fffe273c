"""Browser tests share one Chromium (session scope), install axe-core once, and run one
server per module."""

import pytest

from tests.web.server import web_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with web_server(tmp_path_factory.mktemp("web")) as running:
        yield running
