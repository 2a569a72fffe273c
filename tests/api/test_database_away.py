"""A database that cannot serve in time is a 503 the client may retry, not a defect."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.http.app import create_app
from infra.settings import Settings
from tests.api.conftest import SECRET, as_role, problem


def test_a_read_that_gets_no_view_connection_in_time_answers_503(postgres_url, tmp_path,
                                                                  clock):
    # A second's wait: opening the pool's first connection took more than 0.2 s (a 500 at
    # start-up) on a machine loaded by other test runs.
    settings = Settings(database_url=postgres_url, jwt_secret=SECRET, var_dir=tmp_path / "var",
                        signing_key_path=tmp_path / "var" / "signing.key",
                        view_pool_size=1, view_pool_wait_seconds=1.0)
    app = create_app(settings, clock=clock, run_projections=False)
    with TestClient(app) as client:
        with app.state.services.views.transaction():  # the pool's only connection
            busy = client.get("/v1/patients", headers=as_role("receptionist"))
        free = client.get("/v1/patients", headers=as_role("receptionist"))
    body = problem(busy, 503)
    assert body["type"] == "urn:mesoledger:problem:database_unavailable"
    assert busy.headers["Retry-After"] == "2"
    assert free.status_code == 200, free.text
