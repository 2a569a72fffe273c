"""The demo clinic signs some of its entries: the clinician's plan, and a nurse's injections
she signed and her supervisor co-signed; her later ones wait in his to-sign queue."""

from __future__ import annotations

from projections.to_sign import ToSign
from tests.api.test_cli import cli_env, demo_loaded, opened, store  # noqa: F401  (fixtures)


def test_demo_signs_entries_and_leaves_later_ones_in_the_supervisors_queue(store):  # noqa: F811
    output = demo_loaded().output
    assert "signed (authorship)" in output and "signed (cosignature)" in output
    with opened(store) as services:
        assert services.settle_views()
        with services.views.transaction(write=False) as tx:
            signed = tx.rows("SELECT meaning, COUNT(*) FROM to_sign_signatures"
                             " GROUP BY meaning ORDER BY meaning")
            supervisors = tx.rows("SELECT DISTINCT e.supervisor, r.clinic FROM to_sign_entries e"
                                  " JOIN to_sign_records r ON r.record_id = e.record_id"
                                  " WHERE e.supervisor IS NOT NULL")
            supervisor = [s for s, clinic in supervisors if clinic == "clinic-a"][0]
            queue = ToSign.queue(tx, supervisor, "clinic-a")
    assert [tuple(row) for row in signed] == [("authorship", 3), ("cosignature", 2)]
    assert queue and all(entry["event_type"] == "Injected" for entry in queue)
