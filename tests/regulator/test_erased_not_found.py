"""An erased patient is no longer found by name: the erasure removes their blind-index
entries from the live directory, not only from a rebuilt one."""

from __future__ import annotations

from tests.regulator.test_erasure import TEN_YEARS_AND_A_DAY, erase
from tests.regulator.test_export import DR, treated_patient


def test_an_erased_patient_is_found_by_no_word_of_their_name(client, clock, app):
    pid = treated_patient(client, clock)
    written = {"min_position": app.state.services.log_position()}
    assert [p["patient_id"] for p in client.get("/v1/patients", params={"q": "okonkwo",
                                                                        **written},
                                                headers=DR).json()] == [pid]
    clock.advance(days=TEN_YEARS_AND_A_DAY)

    erased = erase(client, pid)

    assert erased.status_code == 201, erased.text
    fresh = {"min_position": erased.json()["position"]}
    for words in ("okonkwo", "Genevieve", "gen hart"):
        assert client.get("/v1/patients", params={"q": words} | fresh,
                          headers=DR).json() == []
    with app.state.services.views.transaction(write=False) as tx:
        assert tx.rows("SELECT word FROM directory_words WHERE patient_id = ?", (pid,)) == []
    by_mrn = client.get("/v1/patients", params={"mrn": "MRN-0001"} | fresh, headers=DR).json()
    assert [p["name"] for p in by_mrn] == ["[erased]"]
