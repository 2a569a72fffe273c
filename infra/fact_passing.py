"""How a batch's facts cross from the log-reading helper to the runner: each view's facts
as three lists (positions, classes, plain tuples), taken apart and put together again by
builtins, with no Python code per fact.

A view's facts are named tuples, and a named tuple pickles and unpickles several times
slower than a plain one (through its Python-level `__getnewargs__` and `__new__`): sent as
they are, they cost a catch-up from zero a few microseconds per event.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import repeat
from typing import Any, TypeVar

Batch = TypeVar("Batch")
"""infra.log_reading.Batch: its `facts` map each view to its (position, fact) pairs."""


def apart(batch: Batch) -> Batch:
    """The batch ready to send: each view's facts as positions, classes and plain tuples."""
    return replace(batch, facts={name: _apart(facts) for name, facts in batch.facts.items()})


def whole(batch: Batch) -> Batch:
    """The batch as it was before `apart`."""
    return replace(batch, facts={name: _together(*lists) for name, lists in batch.facts.items()})


def _apart(facts: list[tuple[int, Any]]) -> tuple:
    positions, taken = zip(*facts, strict=True) if facts else ((), ())
    if not all(map(isinstance, taken, repeat(tuple))):  # not tuples: sent as they are
        return positions, None, taken
    return positions, list(map(type, taken)), list(map(tuple, taken))


def _together(positions: tuple, classes: list | None, taken) -> list[tuple[int, Any]]:
    facts = taken if classes is None else map(tuple.__new__, classes, taken)
    return list(zip(positions, facts, strict=True))
