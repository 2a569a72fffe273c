"""Snapshots keep a long course fast to load and load exactly what replay would, including
the snapshots a store written before the course's state was typed holds."""

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Snapshot

from domain.course import TreatmentCourse
from domain.course_state import GivenDose
from domain.vocabulary import CourseStatus
from infra.database import Database
from infra.records import open_records
from infra.settings import Settings
from tests.clinic import CLINICIAN, Clinic, adverse_event, dose, outcome


def test_long_course_loads_from_a_snapshot_to_the_same_state(database_url, clock):
    records = open_records(Settings(database_url=database_url, snapshot_interval=5),
                           clock=clock)
    try:
        course_id = Clinic(records, clock).formulated_course()
        for volume in ("1", "1.5"):  # the doses a snapshot holds read back exactly, too
            records.inject(course_id, dose(volume=volume), CLINICIAN)
        for score in range(10):
            records.assess_outcome(course_id, outcome(str(score)), CLINICIAN)
        snapshots = list(records.snapshots.get(course_id))
        assert [s.originator_version for s in snapshots] == [5, 10]
        for snapshot in snapshots:  # each holds exactly what replay gives at its version
            replayed = project_aggregate(None, records.events.get(
                course_id, lte=snapshot.originator_version))
            assert vars(snapshot.mutate(None)) == vars(replayed)
        replayed = project_aggregate(None, records.events.get(course_id))
        assert vars(records.course(course_id)) == vars(replayed)
    finally:
        records.close()


def test_a_snapshot_due_inside_a_save_of_several_entries_holds_its_own_version(database_url,
                                                                               clock):
    records = open_records(Settings(database_url=database_url, snapshot_interval=5),
                           clock=clock)
    try:
        course_id = Clinic(records, clock).formulated_course()
        course = records.course(course_id)
        for score in range(6):  # versions 3 to 8 in one save: the snapshot is due at 5
            course.assess_outcome(outcome(str(score)), CLINICIAN, clock())
        records.save(course)
        [snapshot] = records.snapshots.get(course_id)
        replayed = project_aggregate(None, records.events.get(course_id, lte=5))
        assert snapshot.originator_version == 5
        assert vars(snapshot.mutate(None)) == vars(replayed)
    finally:
        records.close()


def as_main_stored_it(course) -> dict:
    """The course's state in the shape main (190a944) wrote to snapshots: entries as text
    keyed by their version as text, each dose a list, the status as its value."""
    state = {name: value for name, value in vars(course).items() if name not in (
        "_id", "_version", "_pending_events", "formulations", "given", "assessed", "reported")}
    kinds = {e.version: e.kind.value for e in course.live_entries}
    kinds |= {f.entry_version: f"formulation:{f.version}" for f in course.formulations}
    return state | {
        "status": course.status.value,
        "formulas": {str(f.version): f.formula for f in course.formulations},
        "injections": {str(d.entry_version): [d.session, d.site.area, d.site.laterality,
                                              str(d.volume_ml), d.formulation_version]
                       for d in course.given},
        "live_entries": {str(version): kind for version, kind in sorted(kinds.items())}}


def test_a_store_written_by_main_loads_its_old_snapshots_as_typed_state(database_url, clock):
    settings = Settings(database_url=database_url, record_cache_size=0)
    records = open_records(settings, clock=clock)
    try:
        clinic = Clinic(records, clock)
        course_id = clinic.formulated_course()
        records.inject(course_id, dose(), CLINICIAN)
        records.assess_outcome(course_id, outcome(), CLINICIAN)
        records.void_entry(course_id, 4, "wrong scale", CLINICIAN)
        records.report_adverse_event(course_id, adverse_event(clock(), serious=True),
                                     CLINICIAN)
        live = records.course(course_id)
        records.snapshots.put([Snapshot(originator_id=course_id,
                                        originator_version=live.version,
                                        timestamp=Snapshot.create_timestamp(),
                                        topic=TreatmentCourse.TOPIC,
                                        state=as_main_stored_it(live))])
        postgres = Database(database_url).is_postgres  # main's tables, by main's names
        assert records.recorder.events_table_name == (
            "clinicalrecords_events" if postgres else "stored_events")

        loaded = records.course(course_id)

        assert vars(loaded) == vars(live)
        assert loaded.status is CourseStatus.SUSPENDED
        assert [type(d) for d in loaded.given] == [GivenDose]
        assert loaded.live_entries == live.live_entries
    finally:
        records.close()


def test_a_snapshot_reads_the_course_status_back_as_its_enum(database_url, clock):
    records = open_records(Settings(database_url=database_url, snapshot_interval=5,
                                    record_cache_size=0), clock=clock)
    try:
        course_id = Clinic(records, clock).formulated_course()
        records.change_course_status(course_id, "suspend", "review", CLINICIAN)
        for score in range(2):
            records.assess_outcome(course_id, outcome(str(score)), CLINICIAN)
        [snapshot] = records.snapshots.get(course_id)
        assert snapshot.state["status"] == "suspended"
        assert records.course(course_id).status is CourseStatus.SUSPENDED
    finally:
        records.close()
