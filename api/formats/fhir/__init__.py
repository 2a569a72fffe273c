"""The patient's history as a FHIR R4 Bundle (fhir.resources R4B models), built from the
export document, so it shows exactly the snapshot of the log the JSON export proves.

Each history entry becomes the resources it made or changed and a Provenance pointing at
them; voided entries stay, entered in error. Before the models validate the structure,
our own checks (checks.py) make sure every reference resolves inside the bundle and every
status is one FHIR allows.
"""

from __future__ import annotations

from collections.abc import Callable

from fhir.resources.R4B.bundle import Bundle

from api.formats.fhir import course, findings, medication, patient
from api.formats.fhir.checks import check
from api.formats.fhir.codes import BASE_URL
from api.formats.fhir.draft import Draft
from api.formats.fhir.provenance import provenance
from api.formats.fhir.terminology import code_systems
from api.formats.proof import proven_against
from domain.personal_data import PersonalData

FHIR_JSON = "application/fhir+json"
Handler = Callable[[Draft, dict], list[str]]
HANDLERS: dict[str, Handler] = {
    "Registered": patient.registered,
    "ConsentGiven": patient.consent_given,
    "ConsentWithdrawn": patient.consent_withdrawn,
    "Screened": patient.screened,
    "AllergyRecorded": patient.allergy_recorded,
    "ConditionRecorded": patient.condition_recorded,
    "ConditionResolved": patient.condition_resolved,
    "Planned": course.planned,
    "PlanAmended": course.plan_amended,
    **dict.fromkeys(("Suspended", "Resumed", "Completed", "Discontinued"),
                    course.status_changed),
    "EntryVoided": course.entry_voided,
    "Formulated": medication.formulated,
    "Injected": medication.injected,
    "OutcomeAssessed": findings.outcome_assessed,
    "AdverseEventReported": findings.adverse_event_reported,
}


def fhir_bundle(export: dict, person: PersonalData | None) -> Bundle:
    """The export as a collection Bundle (`person` is None once erased)."""
    draft = Draft(export["patient_id"], person)
    for entry in export["history"]:
        made = HANDLERS.get(entry["event_type"], _the_record)(draft, entry)
        provenance(draft, entry, made)
    resources = {**draft.resources, **code_systems(draft.resources)}
    check(resources)
    checkpoint = proven_against(export)
    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "collection", "timestamp": export["exported_at"],
        "identifier": {"system": f"{BASE_URL}/checkpoint/{checkpoint['origin']}",
                       "value": f"{checkpoint['size']}/{checkpoint['root']}"},
        "meta": {"tag": [{"system": f"{BASE_URL}/witness", "code": name}
                         for name in checkpoint["witnesses"]]},
        "entry": [{"fullUrl": url, "resource": resource}
                  for url, resource in resources.items()]})


def _the_record(draft: Draft, entry: dict) -> list[str]:
    """An entry with no resource of its own (an amendment of personal data, an erasure
    request) is provenance of the record it belongs to."""
    return [draft.record_of(entry)]
