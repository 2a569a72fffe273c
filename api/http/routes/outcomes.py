"""Protocols (a clinic's named mixes) and the outcomes registry across patients."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.http.auth import OutcomesReader, Prescriber
from api.http.routing import ProblemRoute
from api.http.schemas.outcomes import (
    AreaCode,
    CellOut,
    IndicationCode,
    ProtocolIn,
    ProtocolOut,
    ProtocolRecorded,
    RegistryOut,
    ScaleCode,
)
from api.http.services import FreshViews, Records, ServicesDep
from domain.vocabulary import EFFICACY_NOT_ESTABLISHED
from projections.outcomes import tables
from projections.outcomes.registry import SMALLEST_CELL, Cell, registry

router = APIRouter(prefix="/v1", tags=["outcomes"], route_class=ProblemRoute)

NOTE = ("Observational data from routine care: patients were not randomised, there is no "
        "control group, and who was treated, with what and for how long, was chosen for "
        "them. These figures describe how treated areas changed; they cannot show that a "
        "mix or a number of sessions caused the change, nor compare with no treatment. "
        "Localised fat (body contouring): " + EFFICACY_NOT_ESTABLISHED)


@router.post("/protocols", status_code=201)
def define_protocol(body: ProtocolIn, caller: Prescriber, records: Records
                    ) -> ProtocolRecorded:
    """Name a formulation template of the clinic; mixes made from it (`protocol_id`) must
    follow it, and compare with each other in the outcomes registry."""
    return ProtocolRecorded.of(records.define_protocol(caller.clinic, body.name,
                                                       body.to_components(), caller.actor))


@router.get("/protocols", dependencies=[FreshViews])
def list_protocols(caller: OutcomesReader, services: ServicesDep) -> list[ProtocolOut]:
    """The clinic's protocols (regulators: every clinic's), by name."""
    with services.views.transaction(write=False) as tx:
        return [ProtocolOut(**p) for p in tables.protocols(tx, caller.clinic_filter)]


@router.get("/outcomes", dependencies=[FreshViews],
            responses={200: {"content": {"text/csv": {}}}})
def outcomes_registry(caller: OutcomesReader, services: ServicesDep,
                      indication: Annotated[IndicationCode | None, Query()] = None,
                      area: Annotated[AreaCode | None, Query()] = None,
                      scale: Annotated[ScaleCode | None, Query()] = None,
                      format: Literal["json", "csv"] = "json") -> RegistryOut:
    """How treated areas improved from baseline, by sessions done, mix, age band and skin
    type: patients, course areas, median, interquartile range and a 95% bootstrap interval
    of the median. A clinic sees its own in full; across clinics (a regulator), groups of
    fewer than 5 patients are suppressed. `format=csv` gives the same groups."""
    clinic = caller.clinic_filter
    with services.views.transaction(write=False) as tx:
        cells = registry(tx, clinic, indication, area, scale, suppress=clinic is None)
    if format == "csv":
        return _as_csv(cells)
    return RegistryOut(note=NOTE, suppressed_below=SMALLEST_CELL if clinic is None else None,
                       cells=[CellOut(**asdict(cell)) for cell in cells])


def _as_csv(cells: list[Cell]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(Cell.__dataclass_fields__))
    writer.writeheader()
    writer.writerows(asdict(cell) for cell in cells)
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="outcomes.csv"'})


