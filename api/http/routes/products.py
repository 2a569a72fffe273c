"""The clinic's product catalogue: what its mixes' ingredients are picked from."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.auth import ClinicalReader, Prescriber
from api.http.routing import ProblemRoute
from api.http.schemas.safety import ProductIn, ProductOut, ProductRecorded
from api.http.services import FreshViews, Records, ServicesDep
from projections.lot_safety import tables

router = APIRouter(prefix="/v1/products", tags=["recall"], route_class=ProblemRoute)


@router.post("", status_code=201)
def list_product(body: ProductIn, caller: Prescriber, records: Records) -> ProductRecorded:
    """Add a product (name, manufacturer, optional GTIN) to the clinic's catalogue; a
    name is listed once (409 `duplicate_product`)."""
    return ProductRecorded.of(records.list_product(caller.clinic, body.name, body.manufacturer,
                                                   body.gtin, caller.actor))


@router.get("", dependencies=[FreshViews])
def product_catalogue(caller: ClinicalReader, services: ServicesDep) -> list[ProductOut]:
    """The clinic's products (regulators: every clinic's), by name."""
    with services.views.transaction(write=False) as tx:
        return [ProductOut(**p) for p in tables.products(tx, caller.clinic_filter)]
