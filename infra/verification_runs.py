"""verify in the background: one run at a time per server, how far it has got readable
while it runs, and the latest run's verdict kept to be read when it is done.

A whole-store verify takes minutes on a large store, longer than a browser (or a proxy)
waits for one answer; so the web app starts a run here and shows its progress instead."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from infra.integrity import Integrity
from infra.log_rows import log_length
from infra.verification import Verdict, verify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerificationRun:
    """One verify: who started it and when, events checked of those stored, its verdict."""

    started_by: str
    started_at: datetime
    checked: int = 0
    total: int = 0
    verdict: Verdict | None = None
    finished_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.verdict is None


class Verifications:
    """The server's verify runs: at most one under way; the latest kept."""

    def __init__(self, integrity: Integrity, witnesses_needed: int,
                 clock: Callable[[], datetime]) -> None:
        self.integrity, self.witnesses_needed, self.clock = integrity, witnesses_needed, clock
        self._lock = threading.Lock()
        self._latest: VerificationRun | None = None

    @property
    def latest(self) -> VerificationRun | None:
        """The run under way, or else the last one finished (None: none since start-up)."""
        return self._latest

    def start(self, started_by: str) -> VerificationRun:
        """Start verify in the background; if a run is already under way, that run."""
        with self._lock:
            if self._latest is not None and self._latest.running:
                return self._latest
            self._latest = VerificationRun(started_by, self.clock())
        threading.Thread(target=self._run, name="verify", daemon=True).start()
        return self._latest

    def _run(self) -> None:
        try:
            self._update(total=log_length(self.integrity.runner.records.recorder))
            verdict = verify(self.integrity, self.witnesses_needed, self._checked)
        except Exception as error:  # the run must end with a verdict, or none could start
            log.exception("verify stopped")
            verdict = Verdict(False, self._latest.checked,
                              problem=f"verify could not finish: {type(error).__name__}")
        self._update(verdict=verdict, checked=verdict.events_checked,
                     total=max(self._latest.total, verdict.events_checked),
                     finished_at=self.clock())

    def _checked(self, checked: int) -> None:
        self._update(checked=checked, total=max(self._latest.total, checked))

    def _update(self, **changes) -> None:
        with self._lock:
            self._latest = replace(self._latest, **changes)
