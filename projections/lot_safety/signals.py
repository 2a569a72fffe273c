"""Safety signals by product and lot: what a lot's figures add up to, and the rules that
raise a signal (thresholds in settings). Pure arithmetic over lot_safety's rows.

An adverse event counts for the lots it names (its suspected injections' lots, its suspected
lots, or lot numbers resolved through its course's injections); one that names nothing counts
for the lots its course was injected with in the window before its onset. Voided injections
and voided adverse events count nowhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
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
    events = tables.lot_events(tx, rules.window_days)
    everywhere = _figures(tables.lot_counts(tx, None), events)
    raised = {lot: _raised(figures, everywhere, rules) for lot, figures in everywhere.items()}
    seen = everywhere if clinic is None else _figures(
        tables.lot_counts(tx, clinic), [e for e in events if e[2] == clinic])
    for lot, figures in seen.items():
        figures.signals = raised.get(lot, [])
    return sorted(seen.values(), key=lambda f: (not f.signals, f.product, f.lot))


def _figures(counts: list[tuple], events: list[tuple]) -> dict[Lot, LotFigures]:
    figures = {(product, lot): LotFigures(product, lot, int(injections), patients)
               for product, lot, injections, patients in counts}
    for product, lot, _clinic, kind, severity, serious, n in events:
        if (product, lot) not in figures:
            figures[(product, lot)] = LotFigures(product, lot)
        lot_figures = figures[(product, lot)]
        lot_figures.events_by_kind[kind] += n
        lot_figures.by_severity[severity] += n
        lot_figures.serious += n if serious else 0
        lot_figures.infections += n if kind in INFECTIONS else 0
    return figures


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
