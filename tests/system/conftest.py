"""The system suite: real `mesoledger` processes on loopback, one PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import postgres_schema
from tests.system.cluster import Cluster


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    with postgres_schema() as url:
        cluster = Cluster(url, tmp_path)
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()
