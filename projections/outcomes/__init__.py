"""outcomes: the registry of how treated areas responded, across patients.

Read it in this order: facts.py (which events, and what each contributes), view.py (how a
batch of facts changes the tables), courses.py (each course's live scores and mixes,
remembered between batches while the tables are as this process left them), tables.py (the
tables, and every query of them), tally.py (the registry pre-aggregated per group, moved by
each batch's changed points), registry.py (improvement by sessions, mix, age band and skin
type: median, interquartile range, a bootstrap interval of the median, and suppression of
small cells), spread.py (a group's counted improvements read as the sorted list they stand
for)."""

from projections.outcomes.view import Outcomes

__all__ = ["Outcomes"]
