"""An access log kept by an earlier version (no rule or field columns) gains them on the
next start, keeping every entry it had."""

from __future__ import annotations

from datetime import UTC, datetime

from infra.views import ViewDatabase
from projections.access_log import AccessEntry, AccessFilter, AccessLog

OLD_TABLE = ("CREATE TABLE access_log (id {id} PRIMARY KEY, read_at TEXT NOT NULL,"
             " actor_id TEXT NOT NULL, role TEXT NOT NULL, actor_clinic TEXT NOT NULL,"
             " patient_id TEXT, patient_clinic TEXT, resource TEXT NOT NULL,"
             " outcome INTEGER NOT NULL)")


def test_an_older_access_log_gains_the_rule_and_field_columns(database_url):
    views = ViewDatabase(database_url, pool_size=1)
    try:
        with views.transaction() as tx:
            tx.execute(OLD_TABLE.format(id="BIGSERIAL" if views.is_postgres else "INTEGER"))
            tx.execute("INSERT INTO access_log (read_at, actor_id, role, actor_clinic,"
                       " resource, outcome) VALUES ('2026-01-01T00:00:00+00:00', 'u-1',"
                       " 'clinician', 'clinic-a', '/v1/patients', 200)")
        for _ in range(2):  # a second start finds the columns there
            with views.transaction() as tx:
                AccessLog.create(tx, postgres=views.is_postgres)
        with views.transaction() as tx:
            AccessLog.record(tx, [AccessEntry(datetime.now(UTC), "u-1", "clinician",
                                              "clinic-a", None, None, "/v1/patients", 422,
                                              "invalid_request", "mrn")])
            entries = AccessLog.page(tx, AccessFilter())
        assert [(e["outcome"], e["rule"], e["field"]) for e in entries] == [
            (200, None, None), (422, "invalid_request", "mrn")]
    finally:
        views.close()
