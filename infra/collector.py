"""Python's cycle collector, tuned for processes that hold thousands of objects at a time.

CPython walks its youngest objects after every 700 new containers (dicts, lists, events…)
that are still alive. A catch-up batch keeps some twenty per event alive for a thousand
events, the next batch is read meanwhile, and a request builds a few thousand: at 700 the
collector walks the same live objects again and again, about a tenth of a SQLite catch-up's
time (bench/projections.py), and at 10,000 still twice per batch (6%). Above what two
batches hold, it walks them about never. Reference counting still frees every acyclic object
at once; only garbage in cycles waits longer (a few MB at most).
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS = 50_000
"""New containers between two collections of the youngest generation (CPython: 700)."""


def collect_less_often() -> None:
    """Raise the youngest generation's threshold for this process (never lowers one that
    is already higher); the older generations keep theirs."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_OBJECTS), middle, old)
