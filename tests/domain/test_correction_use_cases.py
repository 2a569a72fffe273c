"""Corrections through ClinicalRecords on real SQLite and PostgreSQL: a voided allergy,
screening or consent stops counting for the next course entry; a nurse's void is judged by
the server's recorded time of her entry; each refusal records nothing; an amendment names
what it supersedes as stored."""

from eventsourcing.application import project_aggregate

from domain.corrections import VoidKindMismatchError, VoidNotPermittedError
from domain.course_refusals import AllergenInFormulationError
from domain.standing import NoScreeningError, NoTreatmentConsentError
from tests.clinic import CLINICIAN, NURSE, PERSON, RECEPTIONIST, dose, formula, outcome, plan


def test_a_voided_allergy_lets_the_mix_be_recorded(clinic, records):
    course_id = clinic.course()
    patient_id = records.course(course_id).patient_id
    wrong = records.record_allergy(patient_id, "caffeine", "rash", CLINICIAN)
    with clinic.refuses(AllergenInFormulationError):
        records.formulate(course_id, formula(), CLINICIAN)
    records.void_patient_entry(patient_id, wrong.version, "another patient's", CLINICIAN,
                               kind="allergy")
    records.formulate(course_id, formula(), CLINICIAN)
    assert records.patient(patient_id).voided == [wrong.version]


def test_a_voided_screening_cannot_support_a_new_course(clinic, records):
    patient_id = clinic.screened_patient()
    records.void_patient_entry(patient_id, 3, "screened the wrong patient", CLINICIAN)
    with clinic.refuses(NoScreeningError):
        records.plan_course(patient_id, plan(), CLINICIAN)


def test_a_voided_consent_stops_the_next_injection(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    records.void_patient_entry(patient_id, 2, "signed by another patient", CLINICIAN,
                               kind="consent")
    with clinic.refuses(NoTreatmentConsentError):
        records.inject(course_id, dose(), CLINICIAN)


def test_a_void_naming_another_kind_records_nothing(clinic, records):
    patient_id = clinic.screened_patient()
    with clinic.refuses(VoidKindMismatchError):
        records.void_patient_entry(patient_id, 3, "wrong", CLINICIAN, kind="allergy")


def test_a_nurse_voids_her_own_entry_within_24_hours_and_not_after(clinic, records, clock):
    course_id = clinic.formulated_course()
    hers = records.assess_outcome(course_id, outcome(), NURSE)
    late = records.assess_outcome(course_id, outcome("10"), NURSE)
    clock.advance(hours=23)
    records.void_entry(course_id, hers.version, "scored the wrong area", NURSE)
    clock.advance(hours=2)  # the server's clock: her entry was recorded 25 hours ago
    with clinic.refuses(VoidNotPermittedError):
        records.void_entry(course_id, late.version, "too late for her", NURSE)
    records.void_entry(course_id, late.version, "a clinician may", CLINICIAN)


def test_a_nurse_cannot_void_a_clinicians_entry(clinic, records):
    course_id = clinic.formulated_course()
    patient_id = records.course(course_id).patient_id
    theirs = records.assess_outcome(course_id, outcome(), CLINICIAN)
    with clinic.refuses(VoidNotPermittedError):
        records.void_entry(course_id, theirs.version, "not mine", NURSE)
    with clinic.refuses(VoidNotPermittedError):
        records.void_patient_entry(patient_id, 3, "not mine", NURSE)


def test_an_amendment_names_the_entry_it_supersedes_as_stored(clinic, records):
    patient_id = clinic.patient()
    amended = records.amend_personal_data(patient_id, PERSON, "typo", RECEPTIONIST)
    records.amend_personal_data(patient_id, PERSON, "again", RECEPTIONIST,
                                supersedes=amended.version)
    supersedes = [e.supersedes for e in records.events.get(patient_id)
                  if hasattr(e, "supersedes")]
    assert supersedes == [1, amended.version]


def test_a_corrected_patient_snapshot_reads_back_as_replay_gives_it(clinic, records):
    patient_id = clinic.screened_patient()
    amended = records.amend_personal_data(patient_id, PERSON, "typo", RECEPTIONIST)
    records.record_allergy(patient_id, "caffeine", "rash", CLINICIAN)
    records.void_patient_entry(patient_id, amended.version, "wrong patient", CLINICIAN)
    records.void_patient_entry(patient_id, 2, "another patient's form", CLINICIAN)
    records.take_snapshot(patient_id)
    [snapshot] = records.snapshots.get(patient_id)
    loaded = snapshot.mutate(None)

    replayed = project_aggregate(None, records.events.get(patient_id))
    assert vars(loaded) == vars(replayed)
    assert loaded.voided == [amended.version, 2] and loaded.personal_data_entry == 1
