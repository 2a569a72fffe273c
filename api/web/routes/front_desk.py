"""The front desk: find patients, register them."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import DirectoryReader, FrontDesk
from api.http.permissions import Permission, may
from api.http.respond import note_patients_read
from api.http.schemas.patients import RegistrationIn
from api.http.services import Records, ServicesDep
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import FreshViews, WebRoute, render, see_other
from domain.vocabulary import SEXES

router = APIRouter(route_class=WebRoute)
REGISTRATION_FIELDS = ("mrn", "name", "date_of_birth", "sex", "contact")


@router.get("/patients", dependencies=[FreshViews])
def patient_list(request: Request, caller: DirectoryReader, services: ServicesDep, q: str = ""):
    """The clinic's patients; `q` finds them by MRN or by any words of the name."""
    query = q.strip()[:200]
    with services.views.transaction(write=False) as tx:
        if query:
            by_mrn = services.directory.search(tx, caller.clinic_filter, query[:64], None, 50)
            by_name = services.directory.search(tx, caller.clinic_filter, None, query, 50)
            rows = list({row["patient_id"]: row for row in by_mrn + by_name}.values())
        else:
            rows = services.directory.search(tx, caller.clinic_filter, None, None, 50)
    note_patients_read(request, rows)
    return render(
        request,
        "patients.html",
        title="Patients",
        rows=rows,
        q=query,
        clinical=may(caller.role, Permission.READ_CLINICAL),
        registers=may(caller.role, Permission.REGISTER_PATIENTS),
    )


@router.get("/patients/new")
def registration_form(request: Request, caller: FrontDesk):
    return render(
        request, "register.html", title="Register a patient", values={}, errors={}, sexes=SEXES
    )


@router.post("/patients")
def register(request: Request, caller: FrontDesk, records: Records, form: Form):
    """Register the person with the caller's clinic (the API's own request model checks)."""
    values = {name: text(form, name) for name in REGISTRATION_FIELDS}
    try:
        body = checked(RegistrationIn, **values | {"contact": values["contact"] or ""})
        done = recorded(
            lambda: records.register_patient(
                caller.clinic, body.mrn, body.to_personal_data(), caller.actor
            )
        )
    except Refused as refused:
        return render(
            request,
            "register.html",
            status=422 if refused.fields else 409,
            title="Register a patient",
            values=values,
            errors=refused.fields,
            rule=refused.rule,
            sexes=SEXES,
        )
    if not may(caller.role, Permission.READ_CLINICAL):  # the front desk goes on to consents
        return see_other(f"/patients/{done.id}/consents", done)
    return see_other(f"/patients/{done.id}", done)
