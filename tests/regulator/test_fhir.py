"""The FHIR copy (export?format=fhir): every Bundle from the demo clinics parses back as R4B,
every reference resolves inside it, each injection is one MedicationAdministration with its
lots, voided entries are entered in error, and every entry has its Provenance."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pytest
from fhir.resources.R4B.bundle import Bundle

from api.demo import STORIES, load_demo_clinic
from api.demo.chart import Story
from api.formats.fhir.checks import BundleDefectError, check
from api.formats.fhir.codes import BASE_URL, ENTRY_SYSTEM
from api.formats.fhir.terminology import nodes
from tests.api import bodies
from tests.api.conftest import Given
from tests.regulator.test_erasure import TEN_YEARS_AND_A_DAY, erase
from tests.regulator.test_export import REGULATOR, exported, treated_patient

INTRADERMAL, SUBCUTANEOUS = "372464004", "34206005"


@dataclass
class Copy:
    """One patient's JSON export and the FHIR Bundle of the same history."""

    story: Story | None
    export: dict
    bundle: dict

    @property
    def history(self) -> list[dict]:
        return self.export["history"]

    def resources(self, kind: str) -> list[dict]:
        return [e["resource"] for e in self.bundle["entry"] if e["resource"]["resourceType"]
                == kind]

    def resolve(self, reference: dict) -> dict:
        return next(e["resource"] for e in self.bundle["entry"]
                    if e["fullUrl"] == reference["reference"])

    def made_by(self, entry: dict, kind: str) -> list[dict]:
        """The resources of that kind identified as made by the history entry."""
        key = f"{entry['record_id']}/{entry['version']}"
        return [r for r in self.resources(kind) if {"system": ENTRY_SYSTEM, "value": key}
                in _identifiers(r)]

    def provenance_of(self, entry: dict) -> dict:
        [provenance] = [p for p in self.resources("Provenance") if p["entity"][0]["what"][
            "identifier"]["value"] == str(entry["position"])]
        return provenance


def _identifiers(resource: dict) -> list[dict]:
    found = resource.get("identifier", [])
    return found if isinstance(found, list) else [found]


def fhir_copy(client, pid: str, story: Story | None = None) -> Copy:
    response = client.get(f"/v1/patients/{pid}/export", params={"format": "fhir"},
                          headers=REGULATOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    return Copy(story, exported(client, pid), response.json())


def demo_patients(app) -> list[tuple[Story, str]]:
    """Load the demo clinics; each story with its patient's id."""
    services = app.state.services
    records = services.records
    list(load_demo_clinic(records))
    # ~120 entries at once: let the views catch up before the first export's bounded wait
    assert services.runner.wait_for(services.log_position(), timeout=30)
    return [(story, str(records.patient_by_mrn(story.clinic, story.mrn))) for story in STORIES]


@pytest.fixture
def demo(client, app) -> list[Copy]:
    return [fhir_copy(client, pid, story) for story, pid in demo_patients(app)]


def test_every_fhir_bundle_from_the_demo_clinic_parses_back(demo):
    for copy in demo:
        parsed = Bundle.model_validate(copy.bundle)

        assert parsed.type == "collection"
        assert json.loads(parsed.model_dump_json()) == copy.bundle  # nothing lost or added
        assert {e["resource"]["resourceType"] for e in copy.bundle["entry"]} >= {
            "Patient", "Consent", "QuestionnaireResponse", "Provenance", "Practitioner"}


def test_every_reference_resolves_to_an_entry_of_its_bundle(demo):
    for copy in demo:
        full_urls = [e["fullUrl"] for e in copy.bundle["entry"]]
        references = [node["reference"] for node in nodes(copy.bundle)
                      if isinstance(node.get("reference"), str)]

        assert len(set(full_urls)) == len(full_urls)
        assert all(url == f"urn:uuid:{e['resource']['id']}"
                   for url, e in zip(full_urls, copy.bundle["entry"], strict=True))
        assert references and set(references) <= set(full_urls)


def test_each_live_injection_is_one_medication_administration_with_its_lots(demo):
    injections = [(copy, e) for copy in demo for e in copy.history
                  if e["event_type"] == "Injected"]
    for copy, entry in injections:
        dose = entry["details"]["dose"]
        [given] = copy.made_by(entry, "MedicationAdministration")
        lots = {copy.resolve(ref)["batch"]["lotNumber"] for ref in given["supportingInformation"]}

        assert given["status"] == ("entered-in-error" if entry["voided_by"] else "completed")
        assert lots == set(dose["lots"])
        assert given["dosage"]["dose"]["value"] == float(dose["volume_ml"])
        assert given["dosage"]["dose"]["code"] == "mL"
        assert given["dosage"]["site"]["coding"][0]["code"] == dose["site"]["area"]
        assert copy.resolve(given["medicationReference"])["resourceType"] == "Medication"
    assert sum(len(copy.resources("MedicationAdministration")) for copy in demo) == len(
        injections)


def test_route_is_intradermal_for_superficial_techniques_and_subcutaneous_for_deep_ones(demo):
    routes = {given["dosage"]["method"]["coding"][0]["code"]:
              given["dosage"]["route"]["coding"][0]["code"]
              for copy in demo for given in copy.resources("MedicationAdministration")}

    assert routes == {"epidermal": INTRADERMAL, "papule": INTRADERMAL, "nappage": INTRADERMAL,
                      "point_by_point": SUBCUTANEOUS}


def test_voided_entries_are_entered_in_error_and_their_void_nullifies_them(demo):
    voided = [(copy, e) for copy in demo for e in copy.history if e["voided_by"]]
    assert voided, "the demo clinics void an entry"
    for copy, entry in voided:
        [struck] = [r for kind in ("MedicationAdministration", "Observation", "Medication",
                                   "Consent", "QuestionnaireResponse")
                    for r in copy.made_by(entry, kind) if "batch" not in r]
        void = next(e for e in copy.history if e["position"] == entry["voided_by"]["position"])
        provenance = copy.provenance_of(void)

        assert struck["status"] == "entered-in-error"
        assert provenance["activity"]["coding"][0]["code"] == "NULLIFY"
        assert provenance["target"] == [{"reference": f"urn:uuid:{struck['id']}"}]
        assert provenance["reason"] == [{"text": entry["voided_by"]["reason"]}]


def test_only_voided_entries_are_entered_in_error(demo):
    for copy in demo:
        voided = {f"{e['record_id']}/{e['version']}" for e in copy.history if e["voided_by"]}
        in_error = {"/".join(identifier["value"].split("/")[:2])
                    for entry in copy.bundle["entry"]
                    if entry["resource"].get("status") == "entered-in-error"
                    for identifier in _identifiers(entry["resource"])
                    if identifier["system"] == ENTRY_SYSTEM}
        assert in_error == voided


def test_every_entry_has_a_provenance_naming_who_when_and_what(demo):
    for copy in demo:
        assert len(copy.resources("Provenance")) == len(copy.history)
        for entry in copy.history:
            provenance = copy.provenance_of(entry)
            [agent] = provenance["agent"]

            assert agent["who"]["display"] == entry["actor"]["name"]
            assert copy.resolve(agent["who"])["identifier"][0]["value"] == entry["actor"]["id"]
            assert agent["role"][0]["coding"][0]["code"] == entry["actor"]["role"]
            assert _instant(provenance["recorded"]) == _instant(entry["recorded_at"])
            assert _instant(provenance["occurredDateTime"]) == _instant(entry["occurred_at"])
            assert provenance["activity"]["text"] == entry["event_type"]
            assert all(copy.resolve(target) for target in provenance["target"])


def test_each_entry_becomes_the_resource_a_fhir_reader_expects(demo):
    expected = {"ConsentGiven": "Consent", "Screened": "QuestionnaireResponse",
                "Planned": "CarePlan", "OutcomeAssessed": "Observation",
                "AdverseEventReported": "AdverseEvent", "AllergyRecorded": "AllergyIntolerance",
                "ConditionRecorded": "Condition"}
    for copy in demo:
        for event_type, kind in expected.items():
            entries = [e for e in copy.history if e["event_type"] == event_type]
            assert len(copy.resources(kind)) >= len(entries), (copy.story.mrn, kind)
        patient = copy.resources("Patient")[0]
        assert patient["name"][0]["text"] == copy.story.person.name
        assert patient["birthDate"] == copy.story.person.date_of_birth.isoformat()
        assert patient["identifier"][0]["value"] == copy.story.mrn
        assert patient["identifier"][0]["system"].startswith(BASE_URL)


def test_a_screening_answers_every_contraindication_of_the_checklist(demo):
    for copy in demo:
        for entry in (e for e in copy.history if e["event_type"] == "Screened"):
            [response] = copy.made_by(entry, "QuestionnaireResponse")
            items = {item["linkId"]: item for item in response["item"]}
            checklist = {item["linkId"].removeprefix("contraindications."):
                         item["answer"][0]["valueBoolean"]
                         for item in items["contraindications"]["item"]}
            screening = entry["details"]["screening"]

            assert checklist == screening["answers"]["contraindications"]
            assert items["result"]["answer"][0]["valueCoding"]["code"] == screening["result"]


def changed_patient(given: Given, clock) -> str:
    """A patient whose record saw every kind of change: an amendment, a withdrawn consent, a
    resolved condition, an amended plan, a voided adverse event and a suspended course."""
    pid = given.screened_patient()
    course = given.formulated_course(pid)
    given.injected(course)
    for path, body, role in (
            ("personal-data", bodies.amendment(), "receptionist"),
            ("consents", bodies.consent(clock(), scope="photography"), "receptionist"),
            ("consents/photography/withdrawal", {"reason": "no more photos"}, "receptionist"),
            ("allergies", {"substance": "latex", "reaction": "urticaria"}, "clinician"),
            ("conditions", {"condition": "migraine", "note": "since childhood"}, "clinician"),
            ("conditions/migraine/resolution", {"reason": "reassessed"}, "clinician")):
        given.post(f"/v1/patients/{pid}/{path}", body, role)
    given.post(f"/v1/courses/{course}/plan", bodies.plan(8) | {"reason": "slow response"})
    bruise = given.post(f"/v1/courses/{course}/adverse-events", bodies.adverse_event(clock()))
    given.post(f"/v1/courses/{course}/voids", {"version": bruise["version"],
                                               "reason": "reported for the wrong patient"})
    given.post(f"/v1/courses/{course}/status", {"action": "suspend", "reason": "travelling"})
    return pid


def test_withdrawals_resolutions_amendments_and_status_changes_show_in_the_resources(
        client, clock):
    pid = changed_patient(Given(client, clock), clock)

    copy = fhir_copy(client, pid)

    Bundle.model_validate(copy.bundle)
    photography = [c for c in copy.resources("Consent") if c["status"] == "inactive"]
    assert [c["category"][0]["coding"][0]["code"] for c in photography] == ["photography"]
    [condition] = copy.resources("Condition")
    assert condition["clinicalStatus"]["coding"][0]["code"] == "resolved"
    [care_plan] = copy.resources("CarePlan")
    assert care_plan["status"] == "on-hold"
    assert care_plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]["count"] == 8
    [voided] = copy.resources("AdverseEvent")
    assert voided["meta"]["tag"][0]["code"] == "entered-in-error"
    activities = [p["activity"]["coding"][0]["code"] for p in copy.resources("Provenance")]
    assert activities.count("UPDATE") == 5 and activities.count("NULLIFY") == 1


def test_an_erased_patient_is_erased_in_fhir_too(client, clock):
    pid = treated_patient(client, clock)
    clock.advance(days=TEN_YEARS_AND_A_DAY)
    assert erase(client, pid).status_code == 201

    copy = fhir_copy(client, pid)

    [patient] = copy.resources("Patient")
    assert patient["name"][0]["text"] == "[erased]" and "birthDate" not in patient
    assert "Genevieve" not in json.dumps(copy.bundle)
    Bundle.model_validate(copy.bundle)


@pytest.mark.parametrize("resource, problem", [
    ({"resourceType": "Observation", "status": "done", "code": {"text": "x"}}, "value set"),
    ({"resourceType": "Observation", "status": "final", "subject": {
        "reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}}, "not in the bundle"),
    ({"resourceType": "Observation", "status": "final", "code": {"coding": [{
        "system": f"{BASE_URL}/CodeSystem/scale", "code": "beauty"}]}}, "code system"),
])
def test_a_bundle_with_a_dangling_reference_or_a_code_off_its_value_set_never_leaves(
        resource, problem):
    with pytest.raises(BundleDefectError, match=problem):
        check({"urn:uuid:1": resource})


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
