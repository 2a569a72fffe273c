"""Processes that start together on a PostgreSQL schema all come up, whether its tables are
there yet or not (each creates what it needs; concurrent DDL would kill all but one)."""

from concurrent.futures import ThreadPoolExecutor

from infra.services import open_services
from infra.settings import Settings

STARTING_TOGETHER = 6


def test_services_started_together_all_come_up_on_an_empty_schema_and_again(
        postgres_url, tmp_path):
    """Threads stand in for processes: each opens connections, and so a session, of its own."""
    settings = Settings(database_url=postgres_url, var_dir=tmp_path,
                        signing_key_path=tmp_path / "checkpoint-signing.key")

    def start(_) -> int:
        services = open_services(settings)
        try:
            return services.runner.catch_up()
        finally:
            services.close()

    for tables in ("none yet", "all there"):
        with ThreadPoolExecutor(STARTING_TOGETHER) as starting:
            caught_up = list(starting.map(start, range(STARTING_TOGETHER)))
        assert caught_up == [0] * STARTING_TOGETHER, tables
