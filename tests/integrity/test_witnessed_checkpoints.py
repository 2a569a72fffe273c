"""The log's checkpoints are cosigned by real witnesses, each extending the last; a clinic
that forks its log (a restored backup, a deleted checkpoint file) is refused by them, and
the refusal shows."""

from __future__ import annotations

import pytest

from domain.ledger.signed_note import NoteVerifier
from infra.integrity import open_integrity
from infra.projecting import open_runner
from infra.records import open_records
from infra.verification import verify
from infra.witness_client import WitnessAddress
from infra.witness_store import refusals_in
from tests.clinic import Clinic
from tests.witnesses import WitnessProcess


class Deployment:
    """A clinic's store and its integrity, signing with the given key file."""

    def __init__(self, settings, clock) -> None:
        self.records = open_records(settings, clock=clock)
        self.runner = open_runner(self.records, settings)
        self.integrity = open_integrity(self.runner, settings)
        self.clinic = Clinic(self.records, clock)

    def witnessed_by(self, witness: WitnessProcess) -> Deployment:
        self.integrity.witnesses = (
            WitnessAddress(witness.url, NoteVerifier.from_vkey(witness.vkey)),)
        return self

    def close(self) -> None:
        self.runner.views.close()
        self.records.close()


@pytest.fixture
def clinic_log(settings, clock):
    deployment = Deployment(settings, clock)
    yield deployment
    deployment.close()


@pytest.fixture
def witness(tmp_path, clinic_log):
    process = WitnessProcess(tmp_path / "witness", clinic_log.integrity.verifier.vkey).start()
    clinic_log.witnessed_by(process)
    yield process
    process.stop()


def test_each_checkpoint_is_cosigned_by_the_witness_as_the_log_grows(clinic_log, witness):
    clinic_log.clinic.patient()
    first = clinic_log.integrity.checkpoint()
    clinic_log.clinic.patient(mrn="MRN-0002")
    second = clinic_log.integrity.checkpoint()

    key = clinic_log.integrity.witnesses[0].verifier
    assert second.size > first.size
    assert first.held.signed_by(key) and second.held.signed_by(key)
    assert verify(clinic_log.integrity, witnesses_needed=1).ok


def test_a_forked_log_under_the_same_key_is_refused_by_the_witness(clinic_log, witness,
                                                                   settings, tmp_path, clock):
    clinic_log.clinic.patient()
    clinic_log.clinic.patient(mrn="MRN-0002")
    witnessed = clinic_log.integrity.checkpoint().size
    forked_settings = settings.model_copy(update={  # same key, a fresh store and file
        "database_url": f"sqlite:///{tmp_path}/restored.db",
        "checkpoint_file": tmp_path / "fresh-checkpoints.ndjson"})
    fork = Deployment(forked_settings, clock).witnessed_by(witness)
    try:
        for n in range(witnessed + 2):
            fork.clinic.patient(mrn=f"OTHER-{n}")

        signed = fork.integrity.checkpoint()

        answer = fork.integrity.last_answers[witness.vkey]
        assert answer.cosignature is None and answer.problem.startswith("422")
        assert signed.held.signed_by(fork.integrity.witnesses[0].verifier) is None
        verdict = verify(fork.integrity, witnesses_needed=1)
        assert not verdict.ok and "0 of the 1 witness cosignatures" in verdict.problem
        assert [r["status"] for r in refusals_in(witness.folder / "data")] == [422]
    finally:
        fork.close()
