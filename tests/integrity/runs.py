"""A verify run a test can hold still, to look at it while it runs."""

import threading

from infra.verification_runs import VerificationRun, Verifications


class HeldVerifications(Verifications):
    """A run that waits, after its first read, until the test lets it go on."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.first_read, self.go_on = threading.Event(), threading.Event()

    def _checked(self, checked: int) -> None:
        super()._checked(checked)
        self.first_read.set()
        assert self.go_on.wait(10)


def finished(runs: Verifications) -> VerificationRun:
    """The latest run, once it has its verdict (waiting on it, not on a clock)."""
    for _ in range(200):
        if not runs.latest.running:
            return runs.latest
        threading.Event().wait(0.05)
    raise AssertionError("verify did not finish in 10 s")
