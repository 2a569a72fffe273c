"""A checkpoint signed on a cadence: after `every_events` new events, or `every_seconds`
after the last one if anything was recorded since. Runs beside the projection runner (in
`serve`, and in each `mesoledger worker`), on its own thread, so a slow witness never
holds up the views."""

from __future__ import annotations

import logging
import threading
import time

from infra.integrity import Integrity, ViewsDisagreeError
from infra.outages import DATABASE_UNAVAILABLE

log = logging.getLogger("mesoledger.checkpoints")


class CheckpointCadence:
    def __init__(self, integrity: Integrity, every_events: int, every_seconds: float) -> None:
        self.integrity = integrity
        self.every_events = every_events
        self.every_seconds = every_seconds

    def run(self, stop: threading.Event) -> None:
        latest = self.integrity.latest()
        signed_size, signed_at = (latest.checkpoint.size if latest else 0), time.monotonic()
        while not stop.wait(min(1.0, self.every_seconds)):
            size = self._views_size()
            grown = size - signed_size
            if grown >= self.every_events or (
                    grown > 0 and time.monotonic() - signed_at >= self.every_seconds):
                try:
                    signed_size = self.integrity.sign().size
                except (*DATABASE_UNAVAILABLE, OSError) as away:  # try again later
                    log.warning("could not sign a checkpoint now: %s", away)
                except ViewsDisagreeError as refused:  # evidence for `verify`; keep trying
                    log.error("refused to sign a checkpoint: %s", refused)
                signed_at = time.monotonic()

    def start(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="checkpoints",
                                  daemon=True)
        thread.start()
        return thread

    def _views_size(self) -> int:
        try:
            with self.integrity.runner.views.transaction(write=False) as tx:
                return self.integrity.log.size(tx)
        except DATABASE_UNAVAILABLE:
            return 0
