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
        replayed = project_aggregate(None, records.events.get(course_id))
        assert vars(records.course(course_id)) == vars(replayed)
    finally:
        records.close()
