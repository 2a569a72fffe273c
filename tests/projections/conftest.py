"""A runner over every projection, on the same real database as the records."""

import pytest

from infra.projecting import open_runner


@pytest.fixture
def runner(records, settings):
    runner = open_runner(records, settings)
    yield runner
    runner.views.close()


@pytest.fixture
def views(runner):
    """Read a view after catching up with everything recorded so far."""

    def read(query, *args, **kwargs):
        runner.catch_up()
        with runner.views.transaction(write=False) as tx:
            return query(tx, *args, **kwargs)

    return read
