"""lot_safety: per product and lot, the exposures (for recalls), the adverse events that
point at it (for safety signals), and its recalls with the contacts made.

Read it in this order: facts.py (which events, and what each contributes), view.py (how a
batch of facts changes the tables), tables.py (the tables, and every query of them),
signals.py (the rules that raise a signal: pure arithmetic over the rows)."""

from projections.lot_safety.view import LotSafety

__all__ = ["LotSafety"]
