"""Lot recall: which patients received a lot (the lot_safety view, as /v1/lots)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import LotTracer
from api.http.respond import note_patients_read
from api.http.services import ServicesDep
from api.web.own_patients import named_in_own_clinic
from api.web.pages import WebRoute, render
from projections.lot_safety import tables

router = APIRouter(route_class=WebRoute)


@router.get("/lots")
def lot_exposures(request: Request, caller: LotTracer, services: ServicesDep, lot: str = ""):
    """Every injection that used the lot number, by date, each naming its product, the
    voided ones marked (regulators: in every clinic); the caller's own clinic's patients by
    name and MRN."""
    lot = lot.strip()[:64]
    rows = []
    if lot:
        with services.views.transaction(write=False) as tx:
            rows = tables.exposures(tx, lot, None, caller.clinic_filter, include_voided=True)
        note_patients_read(request, rows)
    named = named_in_own_clinic(services, caller, ((r["patient_id"], r["clinic"]) for r in rows))
    return render(request, "lots.html", title="Lot recall", lot=lot, rows=rows, named=named)
