"""Safety signals: per product and lot, injections, patients and adverse events, and the
rules (thresholds in settings) a lot raises across every clinic."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.auth import SignalReader
from api.http.routes.recalls import exposures_link
from api.http.routing import ProblemRoute
from api.http.schemas.safety import LotSignalOut, SignalRulesOut, SignalsOut
from api.http.services import FreshViews, ServicesDep
from projections.lot_safety import tables
from projections.lot_safety.signals import lot_figures, product_rates

router = APIRouter(prefix="/v1", tags=["safety"], route_class=ProblemRoute)


@router.get("/signals", dependencies=[FreshViews])
def safety_signals(caller: SignalReader, services: ServicesDep) -> SignalsOut:
    """Every lot the caller's clinic injected (regulators: every lot), with its figures
    there; lots raising a signal first. Signals are judged over every clinic, since an
    outbreak crosses clinics; the figures a clinic sees are its own."""
    rules = services.settings.signal_rules
    clinic = caller.clinic_filter
    with services.views.transaction(write=False) as tx:
        figures = lot_figures(tx, rules, clinic)
        recalled = {(r["product"], r["lot"]) for r in tables.recalls(tx, clinic)}
    rates = product_rates(figures)
    return SignalsOut(rules=SignalRulesOut(**vars(rules)), lots=[LotSignalOut(
        product=f.product, lot=f.lot, injections=f.injections, patients=f.patients,
        adverse_events=f.events, by_kind=dict(f.events_by_kind),
        by_severity=dict(f.by_severity), serious=f.serious, infections=f.infections,
        rate_per_1000=f.rate_per_1000, product_rate_per_1000=rates.get(f.product),
        signals=f.signals, recalled=(f.product, f.lot) in recalled,
        exposures=exposures_link(f.product, f.lot)) for f in figures])
