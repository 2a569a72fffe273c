"""Reading the log for the views: each stored event decoded once, and what every view takes
from it (`Projection.facts`) gathered into a batch.

A catch-up far behind the log reads in a helper process. Decoding stored events is the larger
part of a catch-up's Python work, and one process runs Python on one core at a time, so the
helper decodes the next batch on another core while this process writes the current one.
What crosses between them is small: the views' facts, a few plain values per event, not the
events (and as plain tuples: infra/fact_passing.py). The helper only reads (one connection, no key
vault), lives for one catch-up, and ends when its parent does, even a killed one (its end of
the pipe closes).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from domain.application import ClinicalRecords
from infra.collector import collect_less_often
from infra.fact_passing import apart, whole
from projections.base import Change

log = logging.getLogger(__name__)

Extract = Callable[[Change], Any]
"""A view's `facts`: what it takes from one stored event (None: nothing)."""

ROOT = str(Path(__file__).resolve().parent.parent)
READ_ONLY = {"CREATE_TABLE": "false", "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"}
"""The helper's records: they create no tables and hold one connection."""


@dataclass(frozen=True)
class Batch:
    """What the views take from a run of the log: how many events were read, the position of
    the last one (0 if none), and per view its facts in log order, each with its position,
    of the events after the position `after` names for it (a view already past an event
    takes nothing from it)."""

    read: int = 0
    last: int = 0
    facts: Mapping[str, list[tuple[int, Any]]] = field(default_factory=dict)
    after: Mapping[str, int] = field(default_factory=dict)

    def of(self, name: str, after: int = 0) -> list[Any]:
        """One view's facts of the events after a position."""
        return [fact for position, fact in self.facts[name] if position > after]


def read_batch(records: ClinicalRecords, extractors: Mapping[str, Extract],
               after: Mapping[str, int], start: int, size: int) -> Batch:
    """Up to `size` events from position `start`, decoded, and the facts each view takes of
    those after its position in `after`."""
    notifications = records.recorder.select_notifications(start, size)
    to_event = records.mapper.to_domain_event
    changes = [Change(stored.id, stored, to_event(stored)) for stored in notifications]
    facts = {name: _facts(extract, changes, after[name]) for name, extract in extractors.items()}
    return Batch(len(changes), changes[-1].position if changes else 0, facts, after)


def _facts(extract: Extract, changes: list[Change], after: int) -> list[tuple[int, Any]]:
    return [(change.position, fact) for change in changes
            if change.position > after and (fact := extract(change)) is not None]


class Reading:
    """The batches of one catch-up, in log order: read here, or, far behind the log, by a
    helper process that reads the next batch while this process applies the current one. A
    batch that is not full reached the end of the log, and is the last."""

    def __init__(self, records: ClinicalRecords, extractors: Mapping[str, Extract],
                 after: Mapping[str, int], size: int, help_from: int) -> None:
        self._records, self._extractors, self._after = records, extractors, after
        self._size, self._help_from = size, help_from
        self._helper: Helper | None = None
        self._judged = self._asked = False

    def read(self, start: int) -> Batch:
        """The batch from `start`, read here."""
        return read_batch(self._records, self._extractors, self._after, start, self._size)

    def read_ahead(self, batch: Batch) -> None:
        """Have the helper start on the batch that follows this one, if any does; the
        helper starts once far enough behind, and is asked once it is ready."""
        if batch.read < self._size:
            return
        if not self._judged:  # once per catch-up: is it far enough behind to want help?
            self._judged = True
            if self._far_behind(batch.last + 1):
                self._helper = Helper(self._records, self._extractors, self._after, self._size)
        self._asked = self._helper is not None and self._helper.ready()
        if self._asked:
            self._helper.ask(batch.last + 1)

    def following(self, batch: Batch) -> Batch:
        """The batch after this one (an empty one at the end of the log)."""
        if batch.read < self._size:
            return Batch()
        return (self._asked and self._helper.take()) or self.read(batch.last + 1)

    def _far_behind(self, start: int) -> bool:
        """Whether enough is left to read to be worth starting a helper process for."""
        end = self._records.recorder.max_notification_id() or 0
        return end - start >= self._help_from

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *_) -> None:
        if self._helper is not None:
            self._helper.close()


class Helper:
    """A process that reads batches for this one. Once `ready`, ask it for a batch, then take
    it; it reads while this process works. A helper that failed (or is stuck) says why in the
    log and is ready no more; `take` then answers None: read that batch here instead."""

    answer_within = 30.0  # seconds
    """How long a batch may take before the helper counts as stuck (a batch of a thousand
    events takes it a fraction of a second)."""

    def __init__(self, records: ClinicalRecords, extractors: Mapping[str, Extract],
                 after: Mapping[str, int], size: int) -> None:
        self._pipe: Connection | None = None
        self._process: subprocess.Popen | None = None
        self._started = self._failed = False
        try:
            ours, theirs = socket.socketpair()
            self._pipe = Connection(ours.detach())
            with theirs:  # in this process's directory: a relative SQLite path names one file
                self._process = subprocess.Popen(  # a fresh interpreter: no threads, no __main__
                    [sys.executable, "-m", "infra.log_reading", str(theirs.fileno())],
                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                    env={**os.environ, "PYTHONPATH": os.pathsep.join((ROOT, *sys.path))})
            self._pipe.send((type(records), {**records.env, **READ_ONLY}, dict(extractors),
                             dict(after), size))
        except Exception as error:  # noqa: BLE001 - no process, no pipe: read here
            self._fail(repr(error))

    def ready(self) -> bool:
        """Whether it has started and not failed (without waiting)."""
        if not (self._started or self._failed) and self._pipe.poll():
            self._started = self._answer() == "ready"
        return self._started and not self._failed

    def ask(self, start: int) -> None:
        try:
            self._pipe.send(start)
        except OSError as error:
            self._fail(repr(error))

    def take(self) -> Batch | None:
        answer = None if self._failed else self._answer()
        return whole(answer) if isinstance(answer, Batch) else None

    def _answer(self) -> Any:
        deadline = time.monotonic() + self.answer_within
        try:
            while not self._pipe.poll(min(1.0, self.answer_within)):
                if self._process.poll() is not None:
                    raise EOFError(f"it ended with exit code {self._process.returncode}")
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"no answer within {self.answer_within} s")
            answer = self._pipe.recv()
        except Exception as error:  # noqa: BLE001 - ended, cut off or garbled: read it here
            answer = repr(error)
        if isinstance(answer, str) and answer != "ready":
            self._fail(answer)
        return answer

    def _fail(self, why: str) -> None:
        log.warning("the log-reading helper failed, reading here instead: %s", why)
        self._failed = True
        if self._process is not None:  # ended, or stuck: it would not see the pipe close
            self._process.kill()
            self._process.wait()

    def close(self) -> None:
        if self._pipe is not None:
            self._pipe.close()  # the helper reads the end of its pipe, and ends
        if self._process is None:
            return
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _help(pipe: Connection) -> None:
    """The helper's life: set up as told, then answer each start position with the batch
    read from there, until the runner closes its end (or dies)."""
    collect_less_often()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the runner, and so this
    try:
        records_class, env, extractors, after, size = pipe.recv()
    except EOFError:  # the runner gave up on it before it began
        return
    records = records_class(env, vault=None)  # it reads events; it never opens personal data
    pipe.send("ready")
    while True:
        try:
            start = pipe.recv()
        except EOFError:
            return
        try:
            answer = apart(read_batch(records, extractors, after, start, size))
        except Exception as error:  # noqa: BLE001 - the runner reads it again, and sees why
            answer = f"{error!r}"
        try:
            pipe.send(answer)
        except OSError:  # the runner is gone
            return


if __name__ == "__main__":  # the helper: its batches name this module by its own name
    from infra.log_reading import _help as help_the_runner

    help_the_runner(Connection(int(sys.argv[1])))
