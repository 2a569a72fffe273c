"""A lock across the test processes of one machine (pytest-xdist's workers, or two test runs),
for set-up steps that must not run twice at once: `npm ci` empties node_modules first, so a
second one running beside it pulls the folder from under the first."""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def one_at_a_time(folder: Path) -> Iterator[None]:
    """Hold the machine's lock on `folder` (a file in the temporary directory, so the work
    tree stays clean); the next process waits here until the first is done."""
    name = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"mesoledger-tests-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
