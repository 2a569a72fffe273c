"""Safety signals by product and lot: what a lot's figures add up to, and the rules that
raise a signal (thresholds in settings). Pure arithmetic over lot_safety's rows.

An adverse event counts for the lots it names (its suspected injections' lots, its suspected
lots, or lot numbers resolved through its course's injections); one that names nothing counts
for the lots its course was injected with in the window before its onset. Voided injections
and voided adverse events count nowhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from projections.base import ViewTransaction
from projections.lot_safety import tables

INFECTIONS = frozenset({"infection", "atypical_mycobacterial_infection"})
Lot = tuple[str, str]


@dataclass(frozen=True)
class SignalRules:
    """When a lot raises a signal."""

    window_days: int = 84
    """How long after an injection an adverse event counts for its lots (12 weeks)."""
    infections: int = 2
    """Infections after injections of one lot, in any clinics, that raise a signal."""
    rate_ratio: Decimal = Decimal(3)
    """A lot's adverse-event rate this many times its product's raises a signal ..."""
    rate_min_events: int = 3
    """... with at least this many adverse events."""


@dataclass
class LotFigures:
    product: str
    lot: str
    injections: int = 0
    patients: int = 0
    events_by_kind: Counter = field(default_factory=Counter)
    serious: int = 0
    by_severity: Counter = field(default_factory=Counter)
    infections: int = 0
    signals: list[str] = field(default_factory=list)

    @property
    def events(self) -> int:
        return sum(self.events_by_kind.values())

    @property
    def rate_per_1000(self) -> Decimal | None:
        return _rate(self.events, self.injections)


def _rate(events: int, injections: int) -> Decimal | None:
    if not injections:
        return None
    return (Decimal(events) * 1000 / injections).quantize(Decimal("0.1"))


def lot_figures(tx: ViewTransaction, rules: SignalRules, clinic: str | None) -> list[LotFigures]:
    """Every lot injected (in the clinic, if named) with its figures there, and the signals
    it raises judged across every clinic (an outbreak crosses clinics)."""
    events = tables.live_events(tx)
    attributed = _attributed(tx, events, rules.window_days)
    everywhere = _figures(tables.lot_counts(tx, None), events, attributed)
    raised = {lot: _raised(figures, everywhere, rules) for lot, figures in everywhere.items()}
    seen = everywhere if clinic is None else _figures(
        tables.lot_counts(tx, clinic), [e for e in events if e[2] == clinic], attributed)
    for lot, figures in seen.items():
        figures.signals = raised.get(lot, [])
    return sorted(seen.values(), key=lambda f: (not f.signals, f.product, f.lot))


def _figures(counts: list[tuple], events: list[tuple],
             attributed: dict[tuple[str, int], set[Lot]]) -> dict[Lot, LotFigures]:
    figures = {(product, lot): LotFigures(product, lot, injections, patients)
               for product, lot, injections, patients in counts}
    for course_id, version, _clinic, kind, severity, serious, _onset in events:
        for lot in attributed.get((course_id, version), ()):
            if lot not in figures:
                figures[lot] = LotFigures(*lot)
            lot_figures = figures[lot]
            lot_figures.events_by_kind[kind] += 1
            lot_figures.by_severity[severity] += 1
            lot_figures.serious += bool(serious)
            lot_figures.infections += kind in INFECTIONS
    return figures


def _attributed(tx: ViewTransaction, events: list[tuple], window_days: int
                ) -> dict[tuple[str, int], set[Lot]]:
    """Each live adverse event → the lots it counts for."""
    course_ids = sorted({e[0] for e in events})
    given = defaultdict(list)  # course → its live injections (version, product, lot, day)
    for course_id, version, product, lot, day in tables.live_exposures_of(tx, course_ids):
        given[course_id].append((version, product, lot, date.fromisoformat(day)))
    named = defaultdict(list)
    for course_id, version, injection, product, lot in tables.suspects(tx, course_ids):
        named[(course_id, version)].append((injection, product, lot))
    window = timedelta(days=window_days)
    found = {}
    for course_id, version, *_, onset in events:
        injections = given[course_id]
        suspects = named.get((course_id, version))
        if suspects:
            found[(course_id, version)] = {
                (product or p, lot or number) for injection, product, lot in suspects
                for v, p, number, _ in injections
                if v == injection or (product is None and lot == number)} | {
                (product, lot) for injection, product, lot in suspects if product}
        else:
            onset_day = date.fromisoformat(onset)
            found[(course_id, version)] = {(p, number) for _, p, number, day in injections
                                           if day <= onset_day <= day + window}
    return found


def _raised(figures: LotFigures, every: dict[Lot, LotFigures], rules: SignalRules
            ) -> list[str]:
    raised = []
    if figures.infections >= rules.infections:
        raised.append("infection_cluster")
    same_product = [f for f in every.values() if f.product == figures.product]
    product_rate = _rate(sum(f.events for f in same_product),
                         sum(f.injections for f in same_product))
    rate = figures.rate_per_1000
    if (figures.events >= rules.rate_min_events and rate is not None and product_rate
            and rate >= rules.rate_ratio * product_rate):
        raised.append("rate_above_product")
    return raised


def product_rates(figures: list[LotFigures]) -> dict[str, Decimal | None]:
    """Each product's adverse-event rate per 1,000 injections over the lots listed."""
    events, injections = Counter(), Counter()
    for f in figures:
        events[f.product] += f.events
        injections[f.product] += f.injections
    return {product: _rate(events[product], injections[product]) for product in injections}
