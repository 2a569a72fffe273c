"""patient_directory: MRN, name (sealed, erasable), status and active courses, found per
clinic by MRN or by any word of the name through the blind index."""

from dataclasses import replace

import pytest

from domain.personal_data import ERASED
from tests.clinic import CLINICIAN, PERSON, RECEPTIONIST, answers, plan


@pytest.fixture
def directory(runner):
    return runner.projections["patient_directory"]


@pytest.fixture
def entry(directory):
    return directory.entry


@pytest.fixture
def search(directory):
    return directory.search


def named(clinic, *names: str) -> dict[str, str]:
    """Register one patient per name; their ids by name."""
    return {name: str(clinic.patient(replace(PERSON, name=name), mrn=f"MRN-{i:04}"))
            for i, name in enumerate(names)}


def found(views, search, query: str, clinic: str = "clinic-a") -> list[str]:
    return [e["name"] for e in views(search, clinic, name=query)]


def test_registered_patient_is_listed_with_name_and_mrn(clinic, views, entry):
    patient_id = clinic.patient(mrn="MRN-0042")
    assert views(entry, patient_id) == {
        "patient_id": str(patient_id), "clinic": "clinic-a", "mrn": "MRN-0042",
        "name": PERSON.name, "status": "unscreened", "active_courses": 0}


def test_amended_name_replaces_the_old_one_in_entry_and_search(clinic, records, views,
                                                               entry, search):
    patient_id = clinic.patient()
    views(entry, patient_id)  # the registration is applied in an earlier batch
    records.amend_personal_data(patient_id, replace(PERSON, name="Ada Lovelace"),
                                "married name", RECEPTIONIST)
    assert views(entry, patient_id)["name"] == "Ada Lovelace"
    assert [e["patient_id"] for e in views(search, "clinic-a", name="ada")] == \
        [str(patient_id)]
    assert views(search, "clinic-a", name="genevieve") == []


def test_registration_and_renaming_in_one_batch_index_the_last_name(clinic, records, views,
                                                                    search):
    patient_id = clinic.patient()
    records.amend_personal_data(patient_id, replace(PERSON, name="Ada Lovelace"),
                                "married name", RECEPTIONIST)
    assert found(views, search, "lovelace") == ["Ada Lovelace"]
    assert found(views, search, "okonkwo") == []


def test_search_by_mrn_or_name_stays_within_one_clinic(clinic, views, search):
    ours = clinic.patient(mrn="MRN-0001", clinic="clinic-a")
    clinic.patient(mrn="MRN-0001", clinic="clinic-b")
    clinic.patient(replace(PERSON, name="Zoe Adams"), mrn="MRN-0002", clinic="clinic-a")
    by_mrn = views(search, "clinic-a", mrn="MRN-0001")
    by_name = views(search, "clinic-a", name="GENEVIEVE okon")
    assert [e["patient_id"] for e in by_mrn] == [str(ours)]
    assert [e["patient_id"] for e in by_name] == [str(ours)]
    assert views(search, "clinic-a", name="%") == []  # no word, no LIKE wildcard: nobody


def test_mrn_search_is_exact_after_normalisation(clinic, views, search):
    ours = clinic.patient(mrn="MRN-0001")
    clinic.patient(mrn="MRN-00011")
    for typed in ("MRN-0001", " mrn 0001 ", "MRN–0001", "ＭＲＮ-0001"):
        assert [e["patient_id"] for e in views(search, "clinic-a", mrn=typed)] == [str(ours)]
    assert views(search, "clinic-a", mrn="MRN-000") == []


def test_any_word_of_a_name_finds_the_patient_accents_and_case_aside(clinic, views, search):
    named(clinic, "Lucía Quintana", "Sigrún Ægirsdóttir", "Émilie Strauß", "Zoe Adams")
    assert found(views, search, "Quintana") == ["Lucía Quintana"]
    assert found(views, search, "lucia") == ["Lucía Quintana"]
    assert found(views, search, "Aegirsdottir") == ["Sigrún Ægirsdóttir"]
    assert found(views, search, "emilie") == ["Émilie Strauß"]
    assert found(views, search, "STRAUSS") == ["Émilie Strauß"]


def test_a_prefix_of_two_or_more_letters_finds_the_patient(clinic, views, search):
    named(clinic, "Genevieve Okonkwo-Hart", "Okafor Mensah")
    assert sorted(found(views, search, "oka")) == ["Okafor Mensah"]
    assert sorted(found(views, search, "ok")) == ["Genevieve Okonkwo-Hart", "Okafor Mensah"]
    assert found(views, search, "har") == ["Genevieve Okonkwo-Hart"]
    assert found(views, search, "o") == []  # one letter is no prefix
    assert found(views, search, "kon") == []  # the middle of a word finds nothing


def test_several_words_must_all_match(clinic, views, search):
    named(clinic, "Maria Silva", "Maria Costa", "Ana Silva")
    assert found(views, search, "maria silva") == ["Maria Silva"]
    assert found(views, search, "silva ma") == ["Maria Silva"]
    assert found(views, search, "maria zzz") == []


def test_erased_patient_is_no_longer_found_by_name(clinic, records, runner, views, entry,
                                                  search):
    patient_id = clinic.patient()
    assert found(views, search, "okonkwo") == [PERSON.name]
    records.vault.destroy_key(patient_id)
    assert views(entry, patient_id)["name"] == ERASED  # unsealed on read: at once
    runner.rebuild("patient_directory")
    assert views(entry, patient_id)["name"] == ERASED
    assert views(search, "clinic-a", name="gen") == []
    assert views(search, "clinic-a", name=ERASED) == []  # erased: found by no name
    assert [e["name"] for e in views(search, "clinic-a", mrn="MRN-0001")] == [ERASED]


def test_status_follows_the_latest_screening(clinic, records, views, entry):
    patient_id = clinic.patient()
    assert views(entry, patient_id)["status"] == "unscreened"
    records.screen(patient_id, answers(), CLINICIAN)
    assert views(entry, patient_id)["status"] == "eligible"
    records.screen(patient_id, answers("pregnancy"), CLINICIAN)
    assert views(entry, patient_id)["status"] == "ineligible"


def test_active_courses_count_follows_course_status(clinic, records, views, entry):
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


def test_rebuilt_directory_equals_live_directory(clinic, records, runner, views, entry):
    patient_id = clinic.screened_patient()
    views(entry, patient_id)  # live: every step applied in a batch of its own
    course_id = clinic.course(patient_id=patient_id)
    views(entry, patient_id)
    records.change_course_status(course_id, "complete", "all sessions done", CLINICIAN)
    live = views(entry, patient_id)
    live_words = views(lambda tx: tx.rows("SELECT * FROM directory_words ORDER BY 1, 2"))
    runner.rebuild("patient_directory")
    assert views(entry, patient_id) == live
    assert views(lambda tx: tx.rows("SELECT * FROM directory_words ORDER BY 1, 2")) == \
        live_words
    assert (live["status"], live["active_courses"]) == ("eligible", 0)


def test_a_directory_an_earlier_version_kept_in_clear_is_rebuilt_sealed(clinic, records,
                                                                        settings, runner,
                                                                        views, entry):
    patient_id = clinic.patient()
    views(entry, patient_id)
    with runner.views.transaction() as tx:  # as the earlier version left it: names in clear
        for table in ("directory_search_key", "directory_words", "patient_directory"):
            tx.execute(f"DROP TABLE {table}")
        tx.execute("CREATE TABLE patient_directory (patient_id TEXT PRIMARY KEY, clinic TEXT,"
                   " mrn TEXT, name TEXT, search_name TEXT, status TEXT, active_courses INT)")
        tx.execute("INSERT INTO patient_directory VALUES (?, 'clinic-a', 'MRN-0001', ?, ?,"
                   " 'unscreened', 0)", (str(patient_id), PERSON.name, PERSON.name.lower()))
    from infra.projecting import open_runner
    again = open_runner(records, settings)
    try:
        again.catch_up()
        directory = again.projections["patient_directory"]
        with again.views.transaction(write=False) as tx:
            assert [e["patient_id"] for e in directory.search(tx, "clinic-a", name="hart")] \
                == [str(patient_id)]
            stored = repr(tx.rows("SELECT * FROM patient_directory"))
    finally:
        again.views.close()
    assert "Genevieve" not in stored and str(patient_id) in stored


def test_a_word_many_patients_share_finds_the_same_patients_walking_the_mrn_order(
        clinic, views, directory, search):
    named(clinic, "Maria Silva", "Mario Costa", "Ana Silva", "Marta Silva")
    by_few = {q: found(views, search, q) for q in ("mar", "silva ma", "ana")}
    directory.common_word = 1  # every word counts as common now
    assert {q: found(views, search, q) for q in by_few} == by_few
    assert by_few["mar"] == ["Maria Silva", "Mario Costa", "Marta Silva"]  # in MRN order


# --- corrections: a void puts back the screening result or name before it ---------------
def test_a_voided_screening_leaves_the_directory_status(clinic, records, views, entry):
    patient_id = clinic.patient()
    records.screen(patient_id, answers(), CLINICIAN)
    assert views(entry, patient_id)["status"] == "eligible"
    wrong = records.screen(patient_id, answers("pregnancy"), CLINICIAN)
    assert views(entry, patient_id)["status"] == "ineligible"
    records.void_patient_entry(patient_id, wrong.version, "another patient's", CLINICIAN)
    assert views(entry, patient_id)["status"] == "eligible"
    records.void_patient_entry(patient_id, 2, "screened the wrong patient", CLINICIAN)
    assert views(entry, patient_id)["status"] == "unscreened"


def test_a_voided_amendment_puts_the_name_before_it_back(clinic, records, views, entry,
                                                         search):
    patient_id = clinic.patient()
    wrong = records.amend_personal_data(patient_id, replace(PERSON, name="Ada Lovelace"),
                                        "typo", RECEPTIONIST)
    records.void_patient_entry(patient_id, wrong.version, "amended the wrong patient",
                               CLINICIAN)  # recorded with the amendment: one batch
    assert views(entry, patient_id)["name"] == PERSON.name
    assert found(views, search, "lovelace") == []
    assert found(views, search, "okonkwo") == [PERSON.name]


def test_the_rebuilt_directory_equals_the_corrected_live_one(clinic, records, runner, views,
                                                             entry):
    patient_id = clinic.screened_patient()
    views(entry, patient_id)
    amended = records.amend_personal_data(patient_id, replace(PERSON, name="Ada Lovelace"),
                                          "typo", RECEPTIONIST)
    views(entry, patient_id)
    records.void_patient_entry(patient_id, amended.version, "wrong patient", CLINICIAN)
    records.void_patient_entry(patient_id, 3, "screened the wrong patient", CLINICIAN)
    live = views(entry, patient_id)
    runner.rebuild("patient_directory")
    assert views(entry, patient_id) == live
    assert (live["name"], live["status"]) == (PERSON.name, "unscreened")


def test_a_directory_from_before_voids_is_rebuilt_so_a_void_puts_the_screening_back(
        clinic, records, settings, runner, views, entry):
    patient_id = clinic.patient()
    records.screen(patient_id, answers(), CLINICIAN)
    wrong = records.screen(patient_id, answers("pregnancy"), CLINICIAN)
    views(entry, patient_id)
    with runner.views.transaction() as tx:  # as the earlier version left it
        tx.execute("DROP TABLE directory_entries")
        tx.execute("DELETE FROM directory_search_key WHERE one = 2")
    records.void_patient_entry(patient_id, wrong.version, "another patient's", CLINICIAN)
    from infra.projecting import open_runner
    again = open_runner(records, settings)
    try:
        again.catch_up()
        with again.views.transaction(write=False) as tx:
            found = again.projections["patient_directory"].entry(tx, patient_id)
    finally:
        again.views.close()
    assert found["status"] == "eligible"
