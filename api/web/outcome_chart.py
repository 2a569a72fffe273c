"""The outcomes registry laid out for reading: one table per indication, area and scale by
sessions done, and a plain SVG bar chart of the median improvement (its interquartile range
as a line) with a text alternative. Positive is better whichever way the scale runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

WIDTH, HEIGHT, PAD = 360, 160, 28


@dataclass
class Bar:
    label: str
    x: float
    width: float
    top: float
    height: float
    iqr: tuple[float, float] | None


@dataclass
class SessionsTable:
    indication: str
    area: str
    scale: str
    rows: list = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    zero: float = 0.0
    summary: str = ""

    @property
    def key(self) -> str:
        return f"{self.indication}-{self.area}-{self.scale}".replace(".", "-")


def by_sessions(cells: Sequence) -> list[SessionsTable]:
    """The cells grouped by sessions done, per indication × area × scale."""
    tables = []
    rows = [c for c in cells if c.by == "sessions"]
    for (indication, area, scale), group in groupby(
        rows, key=lambda c: (c.indication, c.area, c.scale)
    ):
        table = SessionsTable(indication, area, scale, list(group))
        _chart(table)
        tables.append(table)
    return tables


def _chart(table: SessionsTable) -> None:
    shown = [c for c in table.rows if c.median is not None]
    if not shown:
        table.summary = "No group large enough to show."
        return
    values = [v for c in shown for v in (c.median, c.q1, c.q3) if v is not None]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return PAD / 2 + (high - value) / span * (HEIGHT - PAD)

    step = (WIDTH - PAD) / len(shown)
    table.zero = round(y(0.0), 1)
    for i, cell in enumerate(shown):
        x = PAD + i * step + step * 0.2
        top, bottom = sorted((y(cell.median), y(0.0)))
        iqr = (round(y(cell.q3), 1), round(y(cell.q1), 1)) if cell.q1 is not None else None
        table.bars.append(
            Bar(
                str(cell.group),
                round(x, 1),
                round(step * 0.6, 1),
                round(top, 1),
                round(max(bottom - top, 1.0), 1),
                iqr,
            )
        )
    table.summary = (
        "Median improvement from baseline by sessions done: "
        + "; ".join(
            f"after {c.group} sessions {c.median:+.1f} points ({c.patients} patients)"
            for c in shown
        )
        + "."
    )
