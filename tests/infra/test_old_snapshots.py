"""Snapshots taken before records kept clinical times cannot say when things happened: they
are set aside and the record is rebuilt from its events, exactly as replay gives it, and a
fresh snapshot is taken from the events when one falls due."""

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Snapshot

from domain.course import TreatmentCourse
from domain.patient import Patient
from infra.records import open_records
from infra.settings import Settings
from tests.clinic import CLINICIAN, Clinic, dose, outcome

PATIENT_AS_MAIN_KEPT_IT = ("consents", "screening", "screened_at", "allergies", "conditions")


def old_snapshot(record, state: dict, topic: str) -> Snapshot:
    return Snapshot(originator_id=record.id, originator_version=record.version,
                    timestamp=Snapshot.create_timestamp(), topic=topic, state=state)


def test_a_patient_snapshot_from_before_clinical_times_is_set_aside(database_url, clock):
    records = open_records(Settings(database_url=database_url, record_cache_size=0),
                           clock=clock)
    try:
        patient_id = Clinic(records, clock).screened_patient()
        records.record_allergy(patient_id, "caffeine", "rash", CLINICIAN)
        live = records.patient(patient_id)
        state = {"clinic": live.clinic, "mrn": live.mrn, "erased": False,
                 "sealed_personal_data": live.sealed_personal_data, "consents": live.consents,
                 "screening": live.screening, "screened_at": live.screened_at,
                 "allergies": ["caffeine"], "conditions": {}}
        records.snapshots.put([old_snapshot(live, state, Patient.TOPIC)])

        loaded = records.patient(patient_id)

        replayed = project_aggregate(None, records.events.get(patient_id))
        assert vars(loaded) == vars(replayed)
        assert loaded.standing().allergies_at(clock()) == ("caffeine",)
    finally:
        records.close()


def test_a_course_snapshot_of_version_2_is_set_aside_and_the_course_rebuilt(database_url,
                                                                           clock):
    records = open_records(Settings(database_url=database_url, record_cache_size=0,
                                    snapshot_interval=6), clock=clock)
    try:
        course_id = Clinic(records, clock).formulated_course()
        records.inject(course_id, dose(), CLINICIAN)
        live = records.course(course_id)
        state = {name: value for name, value in vars(live).items() if name not in (
            "_id", "_version", "_pending_events", "planned_at", "given_at")}
        records.snapshots.put([old_snapshot(live, state | {"class_version": 2},
                                            TreatmentCourse.TOPIC)])

        assert vars(records.course(course_id)) == vars(live)
        for score in range(3):  # the next snapshot falls due at version 6
            records.assess_outcome(course_id, outcome(str(score)), CLINICIAN)
        newest = list(records.snapshots.get(course_id, desc=True, limit=1))[0]
        assert newest.originator_version == 6 and newest.state["class_version"] == 4
        assert vars(records.course(course_id)) == vars(
            project_aggregate(None, records.events.get(course_id)))
    finally:
        records.close()
