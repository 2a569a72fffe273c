"""The printable copy's progress table: per course, area and side, what was given and how
the side responded, read from the same history the page shows. An entry recorded for both
sides counts for each; baseline and latest always come from the same side."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from html import escape

from domain.vocabulary import SCALES

SIDES = {"bilateral": ("left", "right")}


@dataclass
class Side:
    sessions: set[int] = field(default_factory=set)
    volume_ml: Decimal = Decimal(0)
    baseline: dict[str, Decimal] = field(default_factory=dict)
    latest: dict[str, Decimal] = field(default_factory=dict)


def progress_by_side(history: list[dict]) -> str:
    """The table (empty when nothing was given or scored)."""
    sides: dict[tuple[str, str, str], Side] = {}
    live = [e for e in history if not e["voided_by"] and e["occurred_at"]]
    for entry in sorted(live, key=lambda e: datetime.fromisoformat(e["occurred_at"])):
        done = entry["details"].get("dose") or entry["details"].get("outcome")
        if entry["event_type"] not in ("Injected", "OutcomeAssessed") or not done:
            continue
        site = done["site"]
        for side in SIDES.get(site["laterality"], (site["laterality"],)):
            _count(sides.setdefault((entry["record_id"], site["area"], side), Side()), done)
    rows = [_row(key, side, scale) for key, side in sorted(sides.items())
            for scale in sorted(side.baseline.keys() | side.latest.keys()) or [None]]
    if not rows:
        return ""
    head = "".join(f"<th>{label}</th>" for label in (
        "Course", "Area", "Side", "Sessions", "Volume (mL)", "Scale", "Baseline", "Latest",
        "Improvement"))
    return (f'<section class="progress"><h2>Progress by side</h2><table><thead><tr>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def _count(side: Side, done: dict) -> None:
    if "volume_ml" in done:
        side.sessions.add(done["session"])
        side.volume_ml += Decimal(done["volume_ml"])
    elif done["kind"] == "baseline":
        side.baseline.setdefault(done["scale"], Decimal(done["score"]))
    else:
        side.latest[done["scale"]] = Decimal(done["score"])


def _row(key: tuple[str, str, str], side: Side, scale: str | None) -> str:
    baseline, latest = side.baseline.get(scale), side.latest.get(scale)
    improvement = (SCALES[scale].improvement(baseline, latest) if scale in SCALES
                   and baseline is not None and latest is not None else None)
    cells = (key[0][:8], key[1], key[2], len(side.sessions), side.volume_ml, scale or "—",
             baseline, latest, improvement)
    return "<tr>" + "".join(f"<td>{escape(str('—' if c is None else c))}</td>"
                            for c in cells) + "</tr>"
