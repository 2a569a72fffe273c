"""patient_directory: MRN, name (erasable), status and active courses, searched per clinic."""

from dataclasses import replace

from domain.personal_data import ERASED
from projections.patient_directory import PatientDirectory
from tests.clinic import CLINICIAN, PERSON, RECEPTIONIST, answers, plan

entry, search = PatientDirectory.entry, PatientDirectory.search


def test_registered_patient_is_listed_with_name_and_mrn(clinic, views):
    patient_id = clinic.patient(mrn="MRN-0042")
    assert views(entry, patient_id) == {
        "patient_id": str(patient_id), "clinic": "clinic-a", "mrn": "MRN-0042",
        "name": PERSON.name, "status": "unscreened", "active_courses": 0}


def test_amended_name_replaces_the_old_one_in_entry_and_search(clinic, records, views):
    patient_id = clinic.patient()
    views(entry, patient_id)  # the registration is applied in an earlier batch
    records.amend_personal_data(patient_id, replace(PERSON, name="Ada Lovelace"),
                                "married name", RECEPTIONIST)
    assert views(entry, patient_id)["name"] == "Ada Lovelace"
    assert [e["patient_id"] for e in views(search, "clinic-a", name_prefix="ada")] == \
        [str(patient_id)]
    assert views(search, "clinic-a", name_prefix="genevieve") == []


def test_search_by_mrn_or_name_prefix_stays_within_one_clinic(clinic, views):
    ours = clinic.patient(mrn="MRN-0001", clinic="clinic-a")
    clinic.patient(mrn="MRN-0001", clinic="clinic-b")
    clinic.patient(replace(PERSON, name="Zoe Adams"), mrn="MRN-0002", clinic="clinic-a")
    by_mrn = views(search, "clinic-a", mrn="MRN-0001")
    by_name = views(search, "clinic-a", name_prefix="GENEVIEVE okon")
    assert [e["patient_id"] for e in by_mrn] == [str(ours)]
    assert [e["patient_id"] for e in by_name] == [str(ours)]
    assert views(search, "clinic-a", name_prefix="Genevieve_") == []  # no LIKE wildcards


def test_destroyed_key_shows_erased_after_rebuild(clinic, records, runner, views):
    patient_id = clinic.patient()
    assert views(entry, patient_id)["name"] == PERSON.name
    records.vault.destroy_key(patient_id)
    runner.rebuild("patient_directory")
    assert views(entry, patient_id)["name"] == ERASED
    assert views(search, "clinic-a", name_prefix="gen") == []
    assert views(search, "clinic-a", name_prefix=ERASED) == []  # erased: found by no name
    assert [e["name"] for e in views(search, "clinic-a", mrn="MRN-0001")] == [ERASED]


def test_status_follows_the_latest_screening(clinic, records, views):
    patient_id = clinic.patient()
    assert views(entry, patient_id)["status"] == "unscreened"
    records.screen(patient_id, answers(), CLINICIAN)
    assert views(entry, patient_id)["status"] == "eligible"
    records.screen(patient_id, answers("pregnancy"), CLINICIAN)
    assert views(entry, patient_id)["status"] == "ineligible"


def test_active_courses_count_follows_course_status(clinic, records, views):
    patient_id = clinic.screened_patient()
    first = clinic.course(patient_id=patient_id)
    second = records.plan_course(patient_id, plan(), CLINICIAN).id
    count = lambda: views(entry, patient_id)["active_courses"]  # noqa: E731
    assert count() == 2
    records.change_course_status(first, "suspend", "holiday", CLINICIAN)
    assert count() == 2
    records.change_course_status(second, "complete", "all sessions done", CLINICIAN)
    assert count() == 1
    records.change_course_status(first, "resume", "back", CLINICIAN)
    records.change_course_status(first, "discontinue", "moved away", CLINICIAN)
    assert count() == 0


def test_rebuilt_directory_equals_live_directory(clinic, records, runner, views):
    patient_id = clinic.screened_patient()
    views(entry, patient_id)  # live: every step applied in a batch of its own
    course_id = clinic.course(patient_id=patient_id)
    views(entry, patient_id)
    records.change_course_status(course_id, "complete", "all sessions done", CLINICIAN)
    live = views(entry, patient_id)
    runner.rebuild("patient_directory")
    assert views(entry, patient_id) == live
    assert (live["status"], live["active_courses"]) == ("eligible", 0)
