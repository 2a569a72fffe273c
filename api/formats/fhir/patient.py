"""The patient's own record as FHIR: who they are, their consents, screenings, allergies
and conditions. Each function takes one history entry and returns the resources it made
or changed (the targets of the entry's Provenance). A voided entry's resource is entered in
error (no clinical status, as FHIR requires then), and a voided withdrawal or resolution
changes nothing; later entries act on the live resources only."""

from __future__ import annotations

from api.formats.fhir.codes import BASE_URL, absent, concept, hl7, mrn_system, present
from api.formats.fhir.draft import ENTERED_IN_ERROR, Draft, status_of
from api.formats.fhir.screening import questionnaire_response
from domain.personal_data import ERASED, PersonalData

GENDERS = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}
CONSENT_SCOPES = {"treatment": "treatment", "photography": "patient-privacy",
                  "data_sharing": "patient-privacy"}
LOINC_CONSENT = {"coding": [{"system": "http://loinc.org", "code": "59284-0",
                             "display": "Patient Consent"}]}
DOCUMENT_SHA256 = f"{BASE_URL}/consent-document-sha256"


def registered(draft: Draft, entry: dict) -> list[str]:
    details = entry["details"]
    mrn = {"use": "usual", "type": hl7("v2-0203", "MR"), "system": mrn_system(details["clinic"]),
           "value": details["mrn"]}
    fields = {"identifier": [mrn], "active": True, **_personal(draft.person)}
    return [draft.add("Patient", fields, url=draft.record_of(entry))]


def _personal(person: PersonalData | None) -> dict:
    if person is None:
        return {"name": [{"text": ERASED, **absent()}], "_birthDate": absent()}
    return {"name": [{"text": person.name}], "birthDate": person.date_of_birth.isoformat(),
            "gender": GENDERS.get(person.sex, "unknown")}


def consent_given(draft: Draft, entry: dict) -> list[str]:
    consent = entry["details"]["consent"]
    signed_at = consent["signed_at"]
    url = draft.add_made(entry, "Consent", {
        "identifier": [{"system": DOCUMENT_SHA256, "value": consent["document_sha256"]}],
        "status": status_of(entry, "active"),
        "scope": hl7("consentscope", CONSENT_SCOPES.get(consent["scope"], "patient-privacy")),
        "category": [concept("consent-scope", consent["scope"]), LOINC_CONSENT],
        "patient": draft.patient, "dateTime": signed_at, "performer": [draft.patient],
        "policyRule": hl7("v3-ActCode", "OPTIN"),
        "sourceAttachment": {"title": f"consent form {consent['form_version']}",
                             "creation": signed_at},
        "provision": {"type": "permit", "period": {"start": signed_at}}})
    if not entry["voided_by"]:
        draft.consents[consent["scope"]] = url
    return [url]


def consent_withdrawn(draft: Draft, entry: dict) -> list[str]:
    url = draft.consents.get(entry["details"]["scope"])
    if url is None or entry["voided_by"]:
        return [url or draft.record_of(entry)]
    consent = draft.resources[url]
    consent["status"] = "inactive"
    consent["provision"]["period"]["end"] = entry["occurred_at"]
    return [url]


def screened(draft: Draft, entry: dict) -> list[str]:
    fields = questionnaire_response(entry["details"]["screening"])
    url = draft.add_made(entry, "QuestionnaireResponse", {
        **fields, "status": status_of(entry, fields["status"]), "subject": draft.patient,
        "authored": entry["occurred_at"],
        "author": draft.staff(entry["actor"])})
    allergies = entry["details"]["screening"]["answers"]["allergies"]
    known = [_allergy(draft, entry, substance, part=f"allergy/{substance}")
             for substance in allergies if substance.casefold() not in draft.allergies]
    return [url, *known]


def allergy_recorded(draft: Draft, entry: dict) -> list[str]:
    details = entry["details"]
    return [_allergy(draft, entry, details["substance"], details.get("reaction", ""))]


def _allergy(draft: Draft, entry: dict, substance: str, reaction: str = "",
             part: str = "") -> str:
    if not entry["voided_by"]:
        draft.allergies.add(substance.casefold())
    return draft.add_made(entry, "AllergyIntolerance", {
        **_statuses(entry, "allergyintolerance-clinical", "allergyintolerance-verification"),
        "type": "allergy", "code": {"text": substance}, "patient": draft.patient,
        "recordedDate": entry["occurred_at"], "recorder": draft.staff(entry["actor"]),
        **present(reaction=reaction and [{"manifestation": [{"text": reaction}]}])}, part)


def condition_recorded(draft: Draft, entry: dict) -> list[str]:
    details = entry["details"]
    note = details.get("note")
    url = draft.add_made(entry, "Condition", {
        **_statuses(entry, "condition-clinical", "condition-ver-status"),
        "category": [hl7("condition-category", "problem-list-item")],
        "code": {"text": details["condition"]}, "subject": draft.patient,
        "recordedDate": entry["occurred_at"], "recorder": draft.staff(entry["actor"]),
        **present(note=note and [{"text": note}])})
    if not entry["voided_by"]:
        draft.conditions[details["condition"]] = url
    return [url]


def _statuses(entry: dict, clinical: str, verification: str) -> dict:
    """A finding live and confirmed, or entered in error (then without a clinical status)."""
    if entry["voided_by"]:
        return {"verificationStatus": hl7(verification, ENTERED_IN_ERROR)}
    return {"clinicalStatus": hl7(clinical, "active"),
            "verificationStatus": hl7(verification, "confirmed")}


def condition_resolved(draft: Draft, entry: dict) -> list[str]:
    url = draft.conditions.get(entry["details"]["condition"])
    if url is None or entry["voided_by"]:
        return [url or draft.record_of(entry)]
    condition = draft.resources[url]
    condition["clinicalStatus"] = hl7("condition-clinical", "resolved")
    condition["abatementDateTime"] = entry["occurred_at"]
    return [url]
