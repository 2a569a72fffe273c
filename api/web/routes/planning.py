"""Planning a course: the areas picked on the body map, then the indication, the number of
sessions and their interval."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.http.auth import Prescriber
from api.http.schemas.courses import PlanIn
from api.http.scope import PatientInScope
from api.http.services import Records
from api.web import body_map
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import WebRoute, render, see_other
from domain.vocabulary import INDICATIONS

router = APIRouter(route_class=WebRoute)
Sites = Annotated[list[str] | None, Query(max_length=60)]


@router.get("/patients/{patient_id}/courses/new")
def planning_form(
    request: Request,
    patient: PatientInScope,
    caller: Prescriber,
    records: Records,
    site: Sites = None,
):
    """The body map with the areas picked so far (each region toggles its pick)."""
    return _form(request, records, patient.id, body_map.picks_of(site or []), {}, {})


@router.post("/patients/{patient_id}/courses")
def plan(
    request: Request, patient: PatientInScope, caller: Prescriber, records: Records, form: Form
):
    """Plan the course on the areas picked; it needs a current eligible screening."""
    picks = body_map.picks_of(form.getlist("site"))
    values = {
        "indication": text(form, "indication"),
        "sessions": text(form, "sessions"),
        "interval_days": text(form, "interval_days"),
    }
    try:
        if not picks:
            raise Refused({"areas": "pick at least one area on the body map"})
        body = checked(
            PlanIn,
            indication=values["indication"],
            sessions=_whole(values["sessions"], "sessions"),
            interval_days=_whole(values["interval_days"], "interval_days"),
            areas=[{"area": s.area, "laterality": s.laterality} for s in body_map.sites_of(picks)],
        )
        done = recorded(lambda: records.plan_course(patient.id, body.to_plan(), caller.actor))
    except Refused as refused:
        return _form(
            request,
            records,
            patient.id,
            picks,
            values,
            refused.fields,
            refused.rule,
            status=422 if refused.fields else 409,
        )
    return see_other(f"/courses/{done.id}", done)


def _whole(value: str | None, field: str) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise Refused({field: "must be a whole number"})
    return int(value)


def _form(
    request: Request,
    records: Records,
    patient_id,
    picks,
    values: dict,
    errors: dict,
    rule: str | None = None,
    status: int = 200,
):
    return render(
        request,
        "planning.html",
        status=status,
        title="Plan a course",
        patient=records.patient(patient_id),
        regions=body_map.regions(picks),
        sites=body_map.sites_of(picks),
        values=values,
        errors=errors,
        rule=rule,
        indications=INDICATIONS,
    )
