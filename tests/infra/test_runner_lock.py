"""A runner sleeps until its own store records something."""

from infra.database import Database
from infra.records import open_records
from infra.runner_lock import RunnerLock
from infra.settings import Settings
from tests.clinic import PERSON, RECEPTIONIST
from tests.conftest import postgres_schema


def test_a_save_wakes_the_runners_of_its_own_schema_only(postgres_url, clock):
    """Two stores in two schemas of one database (clinics split by schema, say)."""
    with postgres_schema() as other_url:
        mine, other = (open_records(Settings(database_url=url), clock)
                       for url in (postgres_url, other_url))
        try:
            with waiter(postgres_url, mine) as my_runner, waiter(other_url, other) as theirs:
                mine.register_patient("clinic-a", "MRN-1", PERSON, RECEPTIONIST)

                assert news(my_runner, timeout=5) == 1
                assert news(theirs, timeout=0.5) == 0
        finally:
            mine.close()
            other.close()


def waiter(url: str, records):
    return RunnerLock(Database(url)).waiter(records.recorder.channel_name)


def news(waiter, timeout: float) -> int:
    """How many saves it heard of (at most one) within the timeout."""
    return len(list(waiter.conn.notifies(timeout=timeout, stop_after=1)))
