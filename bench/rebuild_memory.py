"""One rebuild of every view, alone in a fresh process, and what it cost in memory.

    .venv/bin/python bench/rebuild_memory.py DATABASE_URL

Opens the records and the catch-up runner as the worker does, rebuilds every view from the
start of the log in one replay, and prints one JSON object: events replayed, seconds, the
resident set size (RSS) before the rebuild, the highest RSS sampled in each quarter of it,
the process's peak RSS, and the highest RSS sampled of the helper process that reads the log
for it (infra/log_reading.py). `bench/projections.py --rss` runs it on one store at growing
sizes: the same figures at every size mean memory does not grow with the log.

The peak is the kernel's high-water mark (VmHWM in /proc/self/status), not getrusage's
ru_maxrss: Linux carries ru_maxrss over an exec, so a child would report its parent's peak.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.projecting import open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402

SAMPLE_EVERY_S = 0.1


def rss_mb(field: str = "VmRSS", pid: int | str = "self") -> float:
    """A process's resident set size now (VmRSS) or the highest it has been (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # the kernel reports kB
    raise LookupError(field)


def children_rss_mb() -> float:
    """The RSS of this process's children now, together (0 with none)."""
    children = [child for tasks in Path("/proc/self/task").glob("*/children")
                for child in tasks.read_text().split()]
    total = 0.0
    for child in children:
        try:
            total += rss_mb(pid=child)
        except (FileNotFoundError, LookupError):  # ended meanwhile
            pass
    return total


class RssSampler(threading.Thread):
    """Notes this process's RSS, and its children's, every SAMPLE_EVERY_S until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.children_peak = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        self.sample()
        while not self.stopped.wait(SAMPLE_EVERY_S):
            self.sample()

    def sample(self) -> None:
        self.samples.append(rss_mb())
        self.children_peak = max(self.children_peak, children_rss_mb())

    def by_quarter(self) -> list[float]:
        """The highest sample in each quarter of the run (fewer for a very short run)."""
        n = len(self.samples)
        quarters = [self.samples[n * q // 4:n * (q + 1) // 4] for q in range(4)]
        return [round(max(quarter), 1) for quarter in quarters if quarter]


def rebuild(url: str) -> dict:
    settings = Settings(database_url=url)
    records = open_records(settings)
    runner = open_runner(records, settings)
    try:
        before, sampler = rss_mb(), RssSampler()
        sampler.start()
        started = time.perf_counter()
        replayed = runner.rebuild(*runner.projections)
        seconds = time.perf_counter() - started
        sampler.stopped.set()
        sampler.join()
    finally:
        runner.views.close()
        records.close()
    return {"events": replayed, "seconds": round(seconds, 3),
            "rss_before_mb": round(before, 1), "rss_by_quarter_mb": sampler.by_quarter(),
            "peak_rss_mb": round(rss_mb("VmHWM"), 1),
            "helper_peak_rss_mb": round(sampler.children_peak, 1)}


if __name__ == "__main__":
    print(json.dumps(rebuild(sys.argv[1])))
