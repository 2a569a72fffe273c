"""Lot recalls: recall a product's lot, list the recalls, trace who was exposed (voided
injections included, marked) with the contacts made, and record each contact."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.auth import ExposedContacter, LotRecaller, LotTracer
from api.http.respond import note_patients_read
from api.http.routing import ClinicRoute
from api.http.schemas.common import Lot, Name
from api.http.schemas.safety import (
    ContactIn,
    RecallExposureOut,
    RecallIn,
    RecallOut,
    RecallRecorded,
)
from api.http.scope import PatientInScope
from api.http.services import FreshViews, Records, ServicesDep
from projections.lot_safety import tables

router = APIRouter(prefix="/v1", tags=["recall"], route_class=ClinicRoute)


def exposures_link(product: str, lot: str) -> str:
    return "/v1/recalls/exposures?" + urlencode({"product": product, "lot": lot})


@router.post("/recalls", status_code=201)
def recall_lot(body: RecallIn, caller: LotRecaller, records: Records) -> RecallRecorded:
    """Recall a product's lot: in the caller's clinic, or (a regulator) in every clinic.
    From now on a mix or injection with it is refused (409 `lot_recalled`)."""
    return RecallRecorded.of(records.recall_lot(body.to_lot(), caller.clinic, body.reason,
                                                caller.actor))


@router.get("/recalls", dependencies=[FreshViews])
def list_recalls(caller: LotTracer, services: ServicesDep) -> list[RecallOut]:
    """The recalls in force in the caller's clinic (regulators: every recall)."""
    with services.views.transaction(write=False) as tx:
        found = tables.recalls(tx, caller.clinic_filter)
    return [RecallOut(**r, exposures=exposures_link(r["product"], r["lot"])) for r in found]


@router.get("/recalls/exposures", dependencies=[FreshViews],
            responses={200: {"content": {"text/csv": {}}}})
def recall_exposures(product: Annotated[Name, Query()], lot: Annotated[Lot, Query()],
                     request: Request, caller: LotTracer, services: ServicesDep,
                     format: Literal["json", "csv"] = "json",
                     ) -> list[RecallExposureOut]:
    """Every injection of the product's lot (voided ones too, marked), by date, with the
    contacts made with each patient; the caller's clinic only (regulators: every clinic).
    `format=csv` gives the same rows for the clinic's call list."""
    with services.views.transaction(write=False) as tx:
        rows = tables.exposures(tx, lot, product, caller.clinic_filter, include_voided=True)
        contacts = tables.contacts(tx, product, lot, caller.clinic_filter)
    note_patients_read(request, rows)
    made: dict[str, list[dict]] = {}
    for contact in contacts:
        patient_id, _clinic = contact.pop("patient_id"), contact.pop("clinic")
        made.setdefault(patient_id, []).append(contact)
    listed = [RecallExposureOut(**row, contacts=made.get(row["patient_id"], []))
              for row in rows]
    return _as_csv(listed) if format == "csv" else listed


def _as_csv(listed: list[RecallExposureOut]) -> Response:
    out = io.StringIO()
    fields = [*tables.EXPOSURE_KEYS, "contacts", "reached"]
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in listed:
        writer.writerow({**row.model_dump(mode="json", exclude={"contacts"}),
                         "contacts": len(row.contacts),
                         "reached": any(c.reached for c in row.contacts)})
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="recall.csv"'})


@router.post("/patients/{patient_id}/recall-contacts", status_code=201)
def record_contact(patient: PatientInScope, body: ContactIn, caller: ExposedContacter,
                   records: Records) -> RecallRecorded:
    """Record an attempt to reach a patient exposed to a lot recalled in their clinic."""
    return RecallRecorded.of(records.record_recall_contact(
        body.to_lot(), patient.patient_id, body.method, body.reached, caller.actor,
        body.occurred_at))

