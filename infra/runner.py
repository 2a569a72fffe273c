"""The catch-up runner: brings every view up to the end of the log, exactly once.

It pulls the notification log in batches and applies each batch to every projection in one
view transaction that also moves each projection's tracking position, so a crash (even
SIGKILL) between batches loses nothing and applies nothing twice. It wakes on PostgreSQL
NOTIFY or a short poll, and one runner at a time holds the projections' lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from domain.application import ClinicalRecords
from infra.log_reading import Batch, Reading
from infra.outages import DATABASE_UNAVAILABLE
from infra.runner_lock import RunnerLock
from infra.views import SqlTransaction, ViewDatabase
from projections.base import Projection

log = logging.getLogger(__name__)
STAND_BY_AGAIN_AFTER = 1.0  # seconds
GATHER = 0.01  # seconds
"""After a catch-up that found news, how long the next one waits: under a steady stream of
writes the views then take a batch of saves at a time rather than one save per catch-up,
each of which costs a few queries whatever its size (measured in bench/http_api.py). After
a quiet spell the first save is applied at once."""
TRACKING = ("CREATE TABLE IF NOT EXISTS projection_positions ("
            " name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
POSITIONS = "SELECT name, position FROM projection_positions"


class CatchUpRunner:
    help_from = 20_000
    """How many events behind the log a catch-up starts a helper process to read them (one
    starts in about a third of a second, while this process reads and applies on)."""

    def __init__(self, records: ClinicalRecords, views: ViewDatabase,
                 projections: Sequence[Projection], batch_size: int = 1000) -> None:
        self.records = records
        self.views = views
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        self.lock = RunnerLock(views.database)
        self._extractors = {p.name: type(p).facts for p in projections}
        with views.transaction() as tx:
            tx.execute(TRACKING)
            for projection in projections:
                projection.create(tx)

    # --- positions ----------------------------------------------------------------------

    def position(self, name: str) -> int:
        row = self.views.rows("SELECT position FROM projection_positions WHERE name = ?",
                              (name,))
        return row[0][0] if row else 0

    def wait_for(self, position: int, timeout: float = 5.0,
                 names: Sequence[str] | None = None) -> bool:
        """Block until the named views (all by default) have applied `position`."""
        deadline = time.monotonic() + timeout
        wanted = names or list(self.projections)
        while min(self._positions(wanted).values()) < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def _positions(self, names: Sequence[str]) -> dict[str, int]:
        return _named(self.views.rows(POSITIONS), names)

    # --- catching up --------------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply everything recorded so far; return how many events were applied. Far
        behind the log, a helper process reads each next batch while this one applies the
        current one (infra/log_reading.py)."""
        after = self._positions(list(self.projections))
        applied, start = 0, min(after.values()) + 1
        with Reading(self.records, self._extractors, after, self.batch_size,
                     self.help_from) as reading:
            batch = reading.read(start)
            while batch.read:
                reading.read_ahead(batch)
                self._apply(batch, start)
                applied, start = applied + batch.read, batch.last + 1
                batch = reading.following(batch)
        return applied

    def _apply(self, batch: Batch, start: int) -> None:
        """One view transaction for the batch read from `start`: each view takes what it
        has not yet applied, and its position moves with it (all of it rolls back if another
        runner got there). A view behind `start`, or behind the events the batch has its facts
        of (a rebuild reset it meanwhile), is left for the next catch-up, which starts from
        it, rather than given a gap."""
        with self.views.transaction(durable=False) as tx:
            done = _tracked(tx, list(self.projections))
            moved: dict[int, list[str]] = {}  # the views that applied it, by where they were
            for name, projection in self.projections.items():
                if not max(start - 1, batch.after[name]) <= done[name] < batch.last:
                    continue
                facts = batch.of(name, after=done[name])
                if facts:
                    projection.apply(tx, facts)
                moved.setdefault(done[name], []).append(name)
            for old, names in moved.items():
                _track(tx, names, old, batch.last)

    def rebuild(self, name: str, *more: str) -> int:
        """Drop one view (or several) and replay it from the start of the log; several
        views rebuilt together share one replay."""
        with self.views.transaction() as tx:
            for projection in (self.projections[n] for n in (name, *more)):
                for table in projection.tables:
                    tx.execute(f"DROP TABLE IF EXISTS {table}")
                tx.execute("DELETE FROM projection_positions WHERE name = ?",
                           (projection.name,))
                projection.create(tx)
        return self.catch_up()

    # --- running ------------------------------------------------------------------------

    def run(self, stop: threading.Event, poll: float = 0.2) -> None:
        """Catch up, then wait for news (NOTIFY or poll) until `stop` is set. When the
        database goes away (its lock with it) or another runner moved a view on, it lets go,
        waits a moment and stands by again: a worker outlives a database restart."""
        while not stop.is_set():
            try:
                self._run_while_active(stop, poll)
            except (*DATABASE_UNAVAILABLE, AnotherRunnerError) as error:
                log.warning("projections paused: %s; standing by again in %s s", error,
                            STAND_BY_AGAIN_AFTER)
                stop.wait(STAND_BY_AGAIN_AFTER)

    def _run_while_active(self, stop: threading.Event, poll: float) -> None:
        channel = getattr(self.records.recorder, "channel_name", "")
        with self.lock.held(stop) as active, self.lock.waiter(channel) as waiter:
            while active and not stop.is_set():
                waiter.forget_news()
                if self.catch_up():
                    stop.wait(GATHER)
                else:
                    waiter.wait(poll)


class AnotherRunnerError(RuntimeError):
    """Another runner applied this batch first (this one lost its lock without noticing)."""


def _tracked(tx: SqlTransaction, names: Sequence[str]) -> dict[str, int]:
    return _named(tx.rows(POSITIONS), names)


def _named(rows: list[tuple], names: Sequence[str]) -> dict[str, int]:
    """Each named view's position (0 for a view that has applied nothing yet)."""
    found = dict(rows)
    return {name: found.get(name, 0) for name in names}


def _track(tx: SqlTransaction, names: list[str], old: int, new: int) -> None:
    """Move the positions of views that were at `old`, in one statement; refuses (and so
    rolls back the batch) if another runner moved one of them."""
    if old == 0:
        tx.executemany("INSERT INTO projection_positions (name, position) VALUES (?, ?)",
                       [(name, new) for name in names])
        return
    tx.execute("UPDATE projection_positions SET position = ? WHERE position = ? AND name IN"
               f" ({', '.join('?' * len(names))})", (new, old, *names))
    if tx.rowcount != len(names):
        raise AnotherRunnerError(f"{', '.join(names)}: another runner moved a position;"
                                 " batch rolled back")
