"""The cluster itself: what one API process records, the other serves, once a worker
has brought the views up to it."""

from __future__ import annotations

import httpx

from tests.api import bodies
from tests.system.cluster import bearer


def test_a_patient_registered_on_one_server_is_found_on_the_other(cluster):
    first, second = (api.url for api in cluster.apis)
    desk = bearer("receptionist")
    registered = httpx.post(f"{first}/v1/patients", json=bodies.registration("MRN-SYS-1"),
                            headers=desk, timeout=10)
    assert registered.status_code == 201, registered.text

    found = httpx.get(f"{second}/v1/patients", headers=desk, timeout=10,
                      params={"mrn": "MRN-SYS-1",
                              "min_position": registered.json()["position"]})

    assert found.status_code == 200, found.text
    assert [p["patient_id"] for p in found.json()] == [registered.json()["patient_id"]]
