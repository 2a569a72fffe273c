"""Lot recall: every patient, course, area and date a lot was injected."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.http.auth import LotTracer
from api.http.respond import note_patients_read
from api.http.routing import ClinicRoute
from api.http.schemas.common import Lot, Name
from api.http.schemas.views import ExposureOut
from api.http.services import NOT_YET_RECORDED, FreshViews, ServicesDep
from projections.lot_safety import tables

router = APIRouter(prefix="/v1/lots", tags=["recall"], route_class=ClinicRoute)


@router.get("/{lot}/exposures", dependencies=[FreshViews],
            responses=NOT_YET_RECORDED)
def lot_exposures(lot: Annotated[Lot, Path()], request: Request, caller: LotTracer,
                  services: ServicesDep,
                  include_voided: Annotated[bool, Query(description=(
                      "List injections voided since, too (each marked `voided`)"))] = False,
                  product: Annotated[Name | None, Query(
                      description="Only this product's lot of that number")] = None,
                  ) -> list[ExposureOut]:
    """Every live injection that used the lot number, by date (regulators: in every
    clinic), each naming its product: two products may share a lot number, so pass
    `product` to trace one lot. With `include_voided`, the voided ones too, marked."""
    clinic = caller.clinic_filter
    with services.views.transaction(write=False) as tx:
        rows = tables.exposures(tx, lot, product, clinic, include_voided)
    note_patients_read(request, rows)
    return [ExposureOut(**row) for row in rows]
