"""Per-area progress drawn as plain SVG: for each course area (and side), the score by
session for each scale with the better direction said in words, the volume given per
session, and the sessions where the mix (or its ratio) changed. Every chart has a table
beside it with the same numbers: its text alternative, and what prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from domain.vocabulary import SCALES

WIDTH, HEIGHT = 560, 250
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 24, 40
SIDES = {"bilateral": ("left", "right", "bilateral")}


@dataclass
class Session:
    number: int
    volume: Decimal = Decimal(0)
    mix: str | None = None
    scores: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class AreaChart:
    """One area (and side) of one course, session by session."""

    title: str
    planned: int
    sessions: list[Session]
    scales: list[str]
    mix_changes: list[int]

    @cached_property
    def x_max(self) -> int:
        return max([self.planned, *(s.number for s in self.sessions)], default=1) or 1

    def x(self, session: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * session / self.x_max

    @cached_property
    def volume_top(self) -> Decimal:
        return max((s.volume for s in self.sessions), default=Decimal(0)) or Decimal(1)

    def bars(self) -> list[tuple[float, float, float, Decimal]]:
        """(x, y, height, volume) per session with a volume."""
        plot, top = HEIGHT - TOP - BOTTOM, self.volume_top
        width = (WIDTH - LEFT - RIGHT) / (self.x_max + 1) * 0.6
        return [
            (
                self.x(s.number) - width / 2,
                HEIGHT - BOTTOM - float(s.volume / top) * plot,
                float(s.volume / top) * plot,
                s.volume,
            )
            for s in self.sessions
            if s.volume
        ]

    def bar_width(self) -> float:
        return (WIDTH - LEFT - RIGHT) / (self.x_max + 1) * 0.6

    @cached_property
    def lines(self) -> list[dict]:
        """Per scale: its points (x, y, session, score) and how to read it."""
        found = []
        for code in self.scales:
            scale = SCALES[code]
            span = scale.high - scale.low or Decimal(1)
            plot = HEIGHT - TOP - BOTTOM
            points = [
                (
                    self.x(s.number),
                    HEIGHT - BOTTOM - float((s.scores[code] - scale.low) / span) * plot,
                    s.number,
                    s.scores[code],
                )
                for s in self.sessions
                if code in s.scores
            ]
            found.append(
                {
                    "code": code,
                    "name": scale.name,
                    "low": scale.low,
                    "high": scale.high,
                    "points": points,
                    "better": "lower is better" if scale.lower_is_better else "higher is better",
                    "path": " ".join(
                        f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
                        for i, (x, y, _, _) in enumerate(points)
                    ),
                }
            )
        return found

    def ticks(self) -> list[tuple[float, int]]:
        step = max(1, self.x_max // 10)
        return [(self.x(n), n) for n in range(0, self.x_max + 1, step)]

    def summary(self) -> str:
        """The chart in one sentence (its accessible name)."""
        parts = [
            f"{self.title}: {len([s for s in self.sessions if s.volume])} of"
            f" {self.planned} sessions given"
        ]
        for line in self.lines:
            if len(line["points"]) >= 2:
                first, last = line["points"][0][3], line["points"][-1][3]
                parts.append(f"{line['name']} from {first} to {last} ({line['better']})")
        if self.mix_changes:
            parts.append("mix changed at session " + ", ".join(map(str, self.mix_changes)))
        return "; ".join(parts)


def charts_of(areas: list[dict], entries: dict[str, list]) -> list[AreaChart]:
    """A chart per course area row of the area_progress view, from its live entries."""
    return [_chart(area, entries.get(area["course_id"], [])) for area in areas]


def _chart(area: dict, entries: list) -> AreaChart:
    sides = SIDES.get(area["laterality"], (area["laterality"],))
    mine = sorted(
        (e for e in entries if e.area == area["area"] and e.laterality in sides),
        key=lambda e: (e.occurred_at, e.version),
    )
    ratios = {e.formulation_version: e.ratio for e in entries if e.kind == "formulation"}
    sessions: dict[int, Session] = {}
    for entry in mine:
        if entry.session is None:
            continue
        session = sessions.setdefault(entry.session, Session(entry.session))
        if entry.kind == "injection":
            session.volume += Decimal(entry.volume_ml or 0)
            version = entry.formulation_version
            session.mix = f"v{version} ({ratios.get(version) or entry.ratio or '—'})"
        elif entry.kind == "outcome" and entry.scale in SCALES:
            session.scores[entry.scale] = Decimal(entry.score)
    ordered = [sessions[n] for n in sorted(sessions)]
    changes, previous = [], None
    for session in ordered:
        if session.mix and previous and session.mix != previous:
            changes.append(session.number)
        previous = session.mix or previous
    scales = sorted({code for s in ordered for code in s.scores})
    title = (
        f"{area['indication'].replace('_', ' ')}: {area['area'].replace('.', ', ')}"
        f" ({area['laterality']})"
    )
    return AreaChart(title, area["sessions_planned"], ordered, scales, changes)
