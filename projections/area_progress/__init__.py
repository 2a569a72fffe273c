"""area_progress: per patient × course × area, what was given and how the area responded.

Read it in this order: facts.py (which course events, and what each contributes), view.py
(how a batch of facts changes the tables), tally.py (what a course's live entries add up to
per area: pure arithmetic), tables.py (the tables, and every query of them).
"""

from projections.area_progress.view import AreaProgress

__all__ = ["AreaProgress"]
