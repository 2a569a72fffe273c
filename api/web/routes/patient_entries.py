"""A patient's own entries (consents, screenings, allergies, conditions, personal data) as
the record keeps them: voided ones struck through with the reason, amendments naming what
they superseded; and voiding one made in error, with the API's own use case. A course's
entries are corrected on the course."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import ClinicalReader, Corrector, Signer
from api.http.schemas.corrections import PatientVoidIn
from api.http.scope import PatientInScope
from api.http.services import Records, ServicesDep
from api.web.course_forms import SignatureRevocation
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import FreshViews, WebRoute, render, see_other
from api.web.to_sign import standing_signatures
from api.web.wording import entry_name
from projections.history import patient_history

router = APIRouter(prefix="/patients/{patient_id}", route_class=WebRoute)


@router.get("/entries", dependencies=[FreshViews])
def patient_entries(
    request: Request,
    patient: PatientInScope,
    caller: ClinicalReader,
    records: Records,
    services: ServicesDep,
):
    """Every patient-level entry, oldest first, and the form to void one."""
    return _page(request, records, services, patient.id)


@router.post("/voids")
def void_entry(
    request: Request,
    patient: PatientInScope,
    caller: Corrector,
    records: Records,
    services: ServicesDep,
    form: Form,
):
    """Void an entry made in error: it stays, struck through, and no rule reads it again."""
    values = {"version": text(form, "version"), "reason": text(form, "reason") or ""}
    return _corrected(
        request,
        records,
        services,
        patient.id,
        ("voiding", values, PatientVoidIn),
        lambda body: records.void_patient_entry(
            patient.id, body.version, body.reason, caller.actor
        ),
    )


@router.post("/revocations")
def revoke_signature(
    request: Request,
    patient: PatientInScope,
    caller: Signer,
    records: Records,
    services: ServicesDep,
    form: Form,
):
    """Revoke a signature with a reason: it stays, struck through, with the revocation."""
    values = {"signature": text(form, "signature"), "reason": text(form, "reason") or ""}
    return _corrected(
        request,
        records,
        services,
        patient.id,
        ("revoking", values, SignatureRevocation),
        lambda body: records.revoke_signature(
            patient.id, body.signature, body.reason, caller.actor
        ),
    )


def _corrected(request, records, services, patient_id, sent: tuple, command):
    """Record the correction a form sent (its name, values and request model), or show
    the page again with the refusal beside that form."""
    name, values, model = sent
    try:
        body = checked(model, **values)
        done = recorded(lambda: command(body))
    except Refused as refused:
        status = 422 if refused.fields else 409
        shown = {name: (values, refused.fields, refused.rule)}
        return _page(request, records, services, patient_id, status=status, **shown)
    return see_other(f"/patients/{patient_id}/entries", done)


NOTHING_SENT = ({}, {}, None)


def _page(
    request,
    records,
    services,
    patient_id,
    status=200,
    voiding=NOTHING_SENT,
    revoking=NOTHING_SENT,
):
    found = records.patient(patient_id)
    with services.views.transaction(write=False) as tx:
        history = patient_history(tx, services.records, str(patient_id))
    entries = [
        e | {"entry": entry_name(e["event_type"])} for e in history if e["record_type"] == "Patient"
    ]
    voidable = [
        (str(e["version"]), f"v{e['version']} {e['entry']}")
        for e in entries
        if found.live_kind(e["version"]) and not e["voided_by"]
    ]
    values, errors, rule = voiding
    return render(
        request,
        "patient_entries.html",
        status=status,
        title=f"Entries — MRN {found.mrn}",
        patient_id=str(patient_id),
        mrn=found.mrn,
        entries=entries,
        voidable=voidable,
        standing=standing_signatures(entries),
        revoking=revoking,
        values=values,
        errors=errors,
        rule=rule,
    )
