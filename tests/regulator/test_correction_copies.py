"""Patient-level corrections in every copy: a voided allergy, consent and screening and an
amended name stay in the JSON export, the HTML copy (struck through) and FHIR (entered in
error), and the offline verifier derives their marks from the proven events: a copy whose
void or amended-by mark was removed fails."""

from __future__ import annotations

import copy

import pytest

from api import verify_export
from tests.api import bodies
from tests.api.conftest import Given
from tests.regulator.test_export import REGULATOR, exported
from tests.regulator.test_html import page_of

REASONS = {"allergy": "allergy of another patient", "consent": "signed by someone else",
           "screening": "answers of another patient"}


@pytest.fixture
def corrected(client, clock) -> tuple[str, dict]:
    """A patient whose allergy, consent and screening were voided and name amended."""
    given = Given(client, clock)
    patient = given.screened_patient()  # 1 registered, 2 consent, 3 screening
    allergy = given.post(f"/v1/patients/{patient}/allergies",
                         {"substance": "latex", "reaction": "urticaria"})
    given.post(f"/v1/patients/{patient}/personal-data", bodies.amendment(), "receptionist")
    for kind, version in (("allergy", allergy["version"]), ("consent", 2), ("screening", 3)):
        given.post(f"/v1/patients/{patient}/voids",
                   {"version": version, "kind": kind, "reason": REASONS[kind]})
    return patient, exported(client, patient)


def test_voided_entries_stay_in_the_export_marked_with_their_void(corrected):
    _, export = corrected
    voided = {e["event_type"]: e["voided_by"]["reason"] for e in export["history"]
              if e["voided_by"]}
    assert voided == {"AllergyRecorded": REASONS["allergy"], "ConsentGiven": REASONS["consent"],
                      "Screened": REASONS["screening"]}
    kinds = [e["details"]["entry_kind"] for e in export["history"]
             if e["event_type"] == "EntryVoided"]
    assert kinds == ["allergy", "consent", "screening"]


def test_the_html_copy_strikes_the_voided_entries_through(client, corrected):
    patient, export = corrected
    _, page = page_of(client, patient)
    for entry in export["history"]:
        shown = page.entries[entry["position"]]
        assert ("voided" in shown.classes) == bool(entry["voided_by"]), entry["event_type"]
        if entry["voided_by"]:
            assert shown.says(entry["actor"]["name"], struck=True)
            assert shown.says(entry["voided_by"]["reason"])
    registration = page.entries[export["history"][0]["position"]]
    assert registration.says("Amended by entry")


def test_the_fhir_copy_has_the_voided_entries_entered_in_error(client, corrected):
    patient, _ = corrected
    response = client.get(f"/v1/patients/{patient}/export", params={"format": "fhir"},
                          headers=REGULATOR)
    assert response.status_code == 200, response.text
    resources = [e["resource"] for e in response.json()["entry"]]
    by_kind = {r["resourceType"]: r for r in resources}
    assert by_kind["Consent"]["status"] == "entered-in-error"
    assert by_kind["QuestionnaireResponse"]["status"] == "entered-in-error"
    allergy = by_kind["AllergyIntolerance"]
    assert allergy["verificationStatus"]["coding"][0]["code"] == "entered-in-error"
    assert "clinicalStatus" not in allergy


def test_the_verifier_proves_the_marks_and_fails_when_one_is_removed(client, corrected):
    _, export = corrected
    log_key = client.get("/v1/integrity/public-key", headers=REGULATOR).json()["vkey"]
    assert verify_export.check(export, log_key).startswith("ok: 8 entries")

    unvoided = copy.deepcopy(export)
    next(e for e in unvoided["history"] if e["event_type"] == "AllergyRecorded")["voided_by"] = None
    with pytest.raises(verify_export.Failed, match="its void mark"):
        verify_export.check(unvoided, log_key)

    unamended = copy.deepcopy(export)
    unamended["history"][0]["amended_by"] = None
    with pytest.raises(verify_export.Failed, match="its amended-by mark"):
        verify_export.check(unamended, log_key)
