"""Consents at the front desk: the signed form uploaded, kept sealed under the patient's
key, its SHA-256 recorded in the consent entry, and viewable again."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.http.auth import ConsentTaker
from api.http.routes.patients import _personal_data
from api.http.schemas.patients import ConsentIn
from api.http.scope import PatientInScope
from api.http.services import Records
from api.web.forms import Form, Refused, checked, recorded, text
from api.web.pages import FreshViews, WebRoute, render, see_other
from domain.errors import NotFoundError
from domain.vocabulary import CONSENT_SCOPES, SEXES
from infra.consent_documents import (
    ConsentDocuments,
    DocumentNotFoundError,
    DocumentRefusedError,
)

router = APIRouter(prefix="/patients/{patient_id}/consents", route_class=WebRoute)


def documents_of(request: Request, records: Records) -> ConsentDocuments:
    documents = getattr(request.app.state, "consent_documents", None)
    if documents is None:
        folder = request.app.state.services.settings.var_dir / "consent-documents"
        documents = request.app.state.consent_documents = ConsentDocuments(folder, records.vault)
    return documents


@router.get("", dependencies=[FreshViews])
def consents_page(
    request: Request, patient: PatientInScope, caller: ConsentTaker, records: Records
):
    """The patient's active consents, each with its signed form, and a form for another."""
    return _page(request, records, patient.id, {}, {})


@router.post("")
async def record_consent(
    request: Request, patient: PatientInScope, caller: ConsentTaker, records: Records, form: Form
):
    """Keep the signed form, then record the consent naming its SHA-256."""
    upload = form.get("document")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    media_type = upload.content_type if isinstance(upload, UploadFile) else ""
    values = {name: text(form, name) for name in ("scope", "form_version", "signed_at")}
    return await run_in_threadpool(
        _record, request, patient.id, caller, records, values, media_type, content
    )


def _record(request, patient_id, caller, records, values, media_type, content):
    try:
        digest = _kept(request, records, patient_id, media_type, content)
        body = checked(
            ConsentIn,
            scope=values["scope"],
            form_version=values["form_version"],
            document_sha256=digest,
            signed_at=_utc(values["signed_at"]),
        )
        done = recorded(lambda: records.give_consent(patient_id, body.to_consent(), caller.actor))
    except Refused as refused:
        return _page(
            request,
            records,
            patient_id,
            values,
            refused.fields,
            refused.rule,
            status=422 if refused.fields else 409,
        )
    return see_other(f"/patients/{patient_id}/consents", done)


@router.get("/{sha256}")
def signed_form(
    request: Request, patient: PatientInScope, caller: ConsentTaker, records: Records, sha256: str
):
    """The signed form, exactly as uploaded."""
    try:
        document = documents_of(request, records).open(patient.id, sha256)
    except DocumentNotFoundError:
        raise NotFoundError("no such signed form") from None
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'inline; filename="consent-{sha256[:12]}"'},
    )


def _kept(request, records, patient_id, media_type: str, content: bytes) -> str | None:
    if not content:
        raise Refused({"document": "attach the signed form (PDF, PNG or JPEG)"})
    try:
        return documents_of(request, records).keep(patient_id, media_type, content)
    except DocumentRefusedError as error:
        raise Refused({"document": str(error)}) from None


def _utc(value: str | None) -> str | None:
    """A time from the form (the browser's datetime-local: no zone) read as UTC."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()
    except ValueError:
        raise Refused({"signed_at": "must be a date and time"}) from None


def consents_page_with(
    request,
    records,
    patient_id,
    correction: dict,
    correction_errors: dict,
    rule: str | None,
    status: int,
):
    """The page with the personal-data correction form refused as it was sent."""
    return _page(request, records, patient_id, {}, {}, rule, status, correction, correction_errors)


def _page(
    request,
    records,
    patient_id,
    values: dict,
    errors: dict,
    rule: str | None = None,
    status: int = 200,
    correction: dict | None = None,
    correction_errors: dict | None = None,
):
    patient = records.patient(patient_id)
    person = _personal_data(records, patient, None)
    return render(
        request,
        "consents.html",
        status=status,
        title="Consents",
        patient=patient,
        person=person,
        correction=correction or (vars(person) if person else {}),
        correction_errors=correction_errors or {},
        sexes=SEXES,
        consents=patient.active_consents,
        values=values,
        errors=errors,
        rule=rule,
        scopes=sorted(CONSENT_SCOPES),
    )
