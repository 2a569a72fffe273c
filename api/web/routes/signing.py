"""Electronic signatures in the browser: the to-sign page (your own entries awaiting your
signature, and the nurses' entries naming you as supervisor awaiting your co-signature),
each signed with your password given again (and your code, where enrolled), by the API's
own use case. A refused password is shown beside the field and nothing is recorded."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from api.http.auth import Signer
from api.http.respond import note_patients_read
from api.http.routes.signatures import confirmed_signer
from api.http.schemas.signatures import SignatureIn
from api.http.scope import CourseInScope, PatientInScope
from api.http.services import Records, ServicesDep
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import FreshViews, WebRoute, render, see_other
from api.web.to_sign import asks_code, awaiting
from infra.sign_in import SignInRefused

router = APIRouter(route_class=WebRoute)


@router.get("/to-sign", dependencies=[FreshViews])
def to_sign(
    request: Request,
    caller: Signer,
    records: Records,
    services: ServicesDep,
    signed: int | None = None,
):
    """What awaits your signature, oldest first, each with its form to sign it."""
    return _page(request, caller, records, services, signed=bool(signed))


@router.post("/patients/{patient_id}/signatures")
def sign_patient_entry(
    request: Request,
    patient: PatientInScope,
    caller: Signer,
    records: Records,
    services: ServicesDep,
    form: Form,
):
    """Sign one entry of the patient's record."""
    return _sign(request, patient.id, caller, records, services, form)


@router.post("/courses/{course_id}/signatures")
def sign_course_entry(
    request: Request,
    course: CourseInScope,
    caller: Signer,
    records: Records,
    services: ServicesDep,
    form: Form,
):
    """Sign one entry of the course (a co-signature only by the supervisor it names)."""
    return _sign(request, course.id, caller, records, services, form)


def _sign(request, record_id: UUID, caller, records, services, form):
    values = {name: text(form, name) for name in ("version", "meaning", "totp")}
    values["password"] = form.get("password") or ""
    try:
        body = checked(SignatureIn, **values)
        signer = _confirmed(request, services, caller, body)
        done = recorded(lambda: records.sign_entry(record_id, body.version, body.meaning, signer))
    except Refused as refused:
        item = (str(record_id), values["version"])
        shown = {k: v for k, v in values.items() if k != "password"}  # never sent back
        return _page(
            request,
            caller,
            records,
            services,
            refused=(item, shown, refused),
            status=422 if refused.fields else 409,
        )
    return see_other("/to-sign?signed=1", done)


def _confirmed(request, services, caller, body: SignatureIn):
    """The signer once the password (and code) is given again, or Refused beside it."""
    try:
        return confirmed_signer(request, services, caller, body)
    except SignInRefused as refused:
        field = (
            "totp" if refused.detail.startswith("totp") or "code" in refused.detail else "password"
        )
        raise Refused({field: refused.detail.removeprefix(f"{field}: ")}) from None


def _page(request, caller, records, services, *, signed=False, refused=None, status=200):
    with services.views.transaction(write=False) as tx:
        items = awaiting(tx, records, services.directory, caller)
    note_patients_read(
        request, [{"patient_id": i["patient_id"], "clinic": caller.clinic} for i in items]
    )
    return render(
        request,
        "to_sign.html",
        status=status,
        title="To sign",
        items=items,
        signed=signed,
        refused=refused,
        asks_code=asks_code(services, caller),
    )
