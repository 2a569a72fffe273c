"""The projection worker: keeps every view caught up until SIGTERM or SIGINT.

    python -m infra.worker        (the `mesoledger worker` command runs the same loop)

Several may run; one holds the lock and works, the others stand by to take over.
"""

from __future__ import annotations

import signal
import threading

from infra.checkpoint_cadence import CheckpointCadence
from infra.integrity import open_integrity
from infra.projecting import open_runner
from infra.records import open_records
from infra.settings import Settings


def run_worker(settings: Settings, stop: threading.Event) -> None:
    records = open_records(settings)
    runner = open_runner(records, settings)
    cadence = CheckpointCadence(open_integrity(runner, settings),
                                settings.checkpoint_every_events, settings.checkpoint_every_seconds)
    try:
        cadence.start(stop)
        runner.run(stop)
    finally:
        runner.views.close()
        records.close()


def main() -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_worker(Settings(), stop)


if __name__ == "__main__":
    main()
