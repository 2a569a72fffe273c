"""Snapshots keep a long course fast to load and load exactly what replay would."""

from eventsourcing.application import project_aggregate

from infra.records import open_records
from infra.settings import Settings
from tests.clinic import CLINICIAN, Clinic, outcome


def test_long_course_loads_from_a_snapshot_to_the_same_state(database_url, clock):
    records = open_records(Settings(database_url=database_url, snapshot_interval=5),
                           clock=clock)
    try:
        course_id = Clinic(records, clock).formulated_course()
        for score in range(12):
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
