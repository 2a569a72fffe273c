"""A course: its plan and its amendments, the mix and its ratio, injections by area and
session, outcomes, adverse events, voids and status — each form calling the API's own use case."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from fastapi import APIRouter, Request
from starlette.datastructures import FormData

from api.http.auth import Caller, ClinicalReader, Prescriber, Signer, Treater
from api.http.schemas.courses import (
    AdverseEventIn,
    FormulationIn,
    InjectionIn,
    OutcomeIn,
    PlanAmendmentIn,
    StatusIn,
    VoidIn,
)
from api.http.schemas.records import CourseOut
from api.http.scope import CourseInScope
from api.http.services import Records, ServicesDep
from api.web import course_forms
from api.web.forms import Form, Refused, checked, recorded
from api.web.pages import FreshViews, WebRoute, render, see_other
from api.web.to_sign import standing_signatures
from projections.history import patient_history
from projections.staff_list import StaffList

router = APIRouter(prefix="/courses/{course_id}", route_class=WebRoute)


@router.get("", dependencies=[FreshViews])
def course_page(
    request: Request,
    course: CourseInScope,
    caller: ClinicalReader,
    records: Records,
    services: ServicesDep,
):
    """The course with a form for each entry the caller may make."""
    return _page(request, records, services, course.id, caller)


@router.post("/mix")
def mix(
    request: Request,
    course: CourseInScope,
    caller: Prescriber,
    records: Records,
    services: ServicesDep,
    form: Form,
):
    """Record the next version of the mix (or, with `preview`, only show its ratio)."""
    values = course_forms.mix_values(form)
    try:
        body = checked(FormulationIn, **course_forms.mix_body(values))
        if form.get("preview"):
            preview = [(s, str(r)) for s, r in body.to_formula().ratio]
            return _page(
                request,
                records,
                services,
                course.id,
                caller,
                values={"mix": values},
                preview=preview,
            )
        done = recorded(lambda: records.formulate(course.id, body.to_formula(), caller.actor))
    except Refused as refused:
        return _refused(request, records, services, course.id, caller, "mix", values, refused)
    return see_other(f"/courses/{course.id}#h-mix", done)


def _entry_route(
    name: str,
    model,
    build: Callable[[FormData], dict],
    command: Callable[[Records, UUID, object, Caller], object],
    role,
):
    """A POST that checks the form with the API's model and records it with the use case."""

    def post(request, course, caller, records, services, form):
        values = {key: _one_or_all(form.getlist(key)) for key in form.keys()}
        try:
            body = checked(model, **build(form) | course_forms.clinical_time(form))
            done = recorded(lambda: command(records, course.id, body, caller))
        except Refused as refused:
            return _refused(request, records, services, course.id, caller, name, values, refused)
        return see_other(f"/courses/{course.id}", done)

    post.__annotations__ = {
        "request": Request,
        "course": CourseInScope,
        "caller": role,
        "records": Records,
        "services": ServicesDep,
        "form": Form,
    }
    post.__name__ = f"record_{name}"
    router.post(f"/{name}")(post)


_entry_route(
    "injections",
    InjectionIn,
    course_forms.injection_body,
    lambda r, c, body, who: r.inject(c, body.to_dose(), who.actor, **_when(body)),
    Treater,
)
_entry_route(
    "outcomes",
    OutcomeIn,
    course_forms.outcome_body,
    lambda r, c, body, who: r.assess_outcome(c, body.to_outcome(), who.actor, **_when(body)),
    Treater,
)
_entry_route(
    "adverse-events",
    AdverseEventIn,
    course_forms.adverse_event_body,
    lambda r, c, body, who: r.report_adverse_event(c, body.to_report(), who.actor, **_when(body)),
    Treater,
)
_entry_route(
    "voids",
    VoidIn,
    course_forms.void_body,
    lambda r, c, body, who: r.void_entry(c, body.version, body.reason, who.actor),
    Prescriber,
)
_entry_route(
    "revocations",
    course_forms.SignatureRevocation,
    course_forms.revocation_body,
    lambda r, c, body, who: r.revoke_signature(c, body.signature, body.reason, who.actor),
    Signer,
)
_entry_route(
    "plan",
    PlanAmendmentIn,
    course_forms.plan_amendment_body,
    lambda r, c, body, who: r.amend_plan(c, body.to_plan(), body.reason, who.actor, **_when(body)),
    Prescriber,
)
_entry_route(
    "status",
    StatusIn,
    course_forms.status_body,
    lambda r, c, body, who: r.change_course_status(
        c, body.action, body.reason, who.actor, **_when(body)
    ),
    Prescriber,
)


def _one_or_all(values: list[str]) -> str | list[str]:
    """A field as the form sent it back: its value, or all of them if ticked more than once."""
    return values[0] if len(values) == 1 else values


def _when(body) -> dict:
    """When care happened (None: now), and why it is charted late (where it is)."""
    return {"occurred_at": body.occurred_at, "late_entry_reason": body.late_entry_reason}


def _refused(request, records, services, course_id, caller, form: str, values, refused):
    return _page(
        request,
        records,
        services,
        course_id,
        caller,
        values={form: values},
        errors={form: refused.fields},
        rules={form: refused.rule},
        status=422 if refused.fields else 409,
    )


def _name_supervisors(history: list[dict], names: dict[str, str]) -> None:
    """A nurse's entry shows her supervisor by printed name (the entry keeps the id)."""
    for entry in history:
        dose = entry["details"].get("dose")
        if isinstance(dose, dict) and dose.get("supervisor") in names:
            dose["supervisor"] = f"{names[dose['supervisor']]} ({dose['supervisor'][:8]}…)"


def _page(
    request: Request,
    records: Records,
    services: ServicesDep,
    course_id: UUID,
    caller: Caller,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    rules: dict | None = None,
    preview=None,
    status: int = 200,
):
    course = records.course(course_id)
    shown = CourseOut.of(course)
    session = course_forms.next_session(course, services.clock().date())
    with services.views.transaction(write=False) as tx:
        history = [
            entry
            for entry in patient_history(tx, records, str(course.patient_id))
            if entry["record_id"] == str(course_id)
        ]
        clinicians = [
            (member["staff_id"], member["name"])
            for member in StaffList.of_clinic(tx, course.clinic)
            if member["active"] and "clinician" in member["roles"]
        ]
    _name_supervisors(history, dict(clinicians))
    return render(
        request,
        "course.html",
        status=status,
        title="Course",
        course=shown,
        patient=records.patient(course.patient_id),
        history=history,
        standing=standing_signatures(history),
        choices=course_forms.choices(shown, caller, session, clinicians),
        values=values or {},
        errors=errors or {},
        rules=rules or {},
        preview=preview,
    )
