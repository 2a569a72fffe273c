"""The voided entries a chart keeps in view: each struck through where the entry would
stand (its section of the chart, or its course), with the reason it was voided. They are
read from the store by the voids the audit trail lists; no rule reads them again."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.web.wording import entry_name, summary, words
from domain.application import ClinicalRecords
from projections.audit_trail import AuditTrail
from projections.base import ViewTransaction
from projections.history import details_of

SECTIONS = {
    "ConsentGiven": "consents",
    "ConsentWithdrawn": "consents",
    "Screened": "screening",
    "AllergyRecorded": "allergies",
    "ConditionRecorded": "conditions",
    "ConditionResolved": "conditions",
}
"""Where a voided entry of the patient's own record stands on the chart."""


def voided_on_chart(tx: ViewTransaction, records: ClinicalRecords, patient_id: str) -> dict:
    """Voided entries by chart section (a course's under its id), oldest void first."""
    struck: dict[str, list[dict]] = {}
    for void_row in AuditTrail.voids_of_patient(tx, patient_id):
        void = _event(records, void_row.record_id, void_row.version)
        entry = _event(records, void_row.record_id, void.entry_version)
        kind = type(entry).__name__
        on_course = void_row.record_type == "TreatmentCourse"
        section = void_row.record_id if on_course else SECTIONS.get(kind)
        if section is not None:
            struck.setdefault(section, []).append(
                {
                    "version": void.entry_version,
                    "entry": entry_name(kind),
                    "says": in_words(entry),
                    "reason": void.reason,
                    "by": void.actor.name,
                }
            )
    return struck


def in_words(entry: Any) -> str:
    """A voided entry as the chart would have shown it, in a few words."""
    match type(entry).__name__:
        case "AllergyRecorded":
            return f"{entry.substance} ({entry.reaction})"
        case "ConditionRecorded":
            return entry.condition
        case "ConsentGiven":
            return f"{words(entry.consent.scope)}: form {entry.consent.form_version}"
        case "Screened":
            return f"screening of {entry.occurred_at.date()}"
        case "Formulated":
            return f"mix version {entry.formulation_version}"
        case "Injected":
            return (
                f"injection, session {entry.dose.session}: {_site(entry.dose.site)},"
                f" {entry.dose.volume_ml} mL"
            )
        case "OutcomeAssessed":
            return (
                f"outcome after session {entry.outcome.session}: {_site(entry.outcome.site)},"
                f" {words(entry.outcome.scale)} {entry.outcome.score}"
            )
    return summary(details_of(entry), limit=160)


def _site(site: Any) -> str:
    return f"{words(site.area)} ({site.laterality})"


def _event(records: ClinicalRecords, record_id: str, version: int) -> Any:
    return next(iter(records.events.get(UUID(record_id), gt=version - 1, lte=version)))
