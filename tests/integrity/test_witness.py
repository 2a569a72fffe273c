"""A witness cosigns only checkpoints that extend what it cosigned before, and remembers
that across restarts: a clinic cannot show one history to one party and another later."""

from __future__ import annotations

import pytest

from domain.ledger.signed_note import NoteVerifier, verified_signers
from infra.witness_store import WitnessFolderInUseError, WitnessStore, refusals_in
from tests.witnesses import Log, WitnessProcess


@pytest.fixture
def log() -> Log:
    return Log().grow(*(b"entry %d" % i for i in range(7)))


@pytest.fixture
def witness(tmp_path, log):
    process = WitnessProcess(tmp_path, log.signer.verifier.vkey).start()
    yield process
    process.stop()


def cosigned(witness: WitnessProcess, log: Log, old: int, new: int) -> dict[str, int]:
    answer = witness.add_checkpoint(log.submission(old, new))
    assert answer.status_code == 200, answer.text
    note = log.note(new) + answer.text
    return verified_signers(note, [NoteVerifier.from_vkey(witness.vkey)])[1]


def test_the_witness_cosigns_each_checkpoint_that_extends_the_last(witness, log):
    first = cosigned(witness, log, 0, 3)
    second = cosigned(witness, log, 3, 7)

    assert list(first) == list(second) == [witness.vkey]
    assert all(when > 1_700_000_000 for when in second.values())


def test_a_fork_of_the_log_is_refused_and_kept_as_evidence(witness, log):
    cosigned(witness, log, 0, 3)
    fork = Log(log.origin, log.key).grow(b"entry 0", b"entry 1", b"rewritten", b"entry 3")

    answer = witness.add_checkpoint(fork.submission(3, 4))

    assert answer.status_code == 422
    evidence = refusals_in(witness.folder / "data")
    assert [entry["status"] for entry in evidence] == [422]
    assert fork.note(4) in evidence[0]["submission"]


def test_a_submission_from_a_stale_size_is_answered_with_the_witnessed_size(witness, log):
    cosigned(witness, log, 0, 5)

    answer = witness.add_checkpoint(log.submission(3, 7))

    assert answer.status_code == 409
    assert answer.text == "5\n"
    assert answer.headers["content-type"].startswith("text/x.tlog.size")


def test_the_witness_remembers_what_it_cosigned_across_a_kill(tmp_path, log):
    witness = WitnessProcess(tmp_path, log.signer.verifier.vkey).start()
    cosigned(witness, log, 0, 5)
    witness.kill()
    witness.start()
    try:
        rollback = witness.add_checkpoint(log.submission(0, 3))
        fork = Log(log.origin, log.key).grow(*(b"other %d" % i for i in range(6)))
        forked = witness.add_checkpoint(fork.submission(5, 6))
        assert (rollback.status_code, rollback.text) == (409, "5\n")
        assert forked.status_code == 422
        assert cosigned(witness, log, 5, 7)
    finally:
        witness.stop()


@pytest.mark.parametrize(("change", "status"), [
    ("unknown_origin", 404), ("signed_by_another_key", 403), ("bad_proof", 422),
    ("old_above_new", 400), ("garbage", 400),
])
def test_a_submission_that_proves_nothing_is_refused(witness, log, change, status):
    cosigned(witness, log, 0, 3)
    body = {
        "unknown_origin": Log("other.example/log").grow(b"x").submission(0, 1),
        "signed_by_another_key": Log(log.origin, tree=log.tree).submission(3, 5),
        "bad_proof": log.submission(3, 5).replace("old 3\n", "old 3\nAAAA\n", 1),
        "old_above_new": log.submission(3, 5).replace("old 3", "old 6", 1),
        "garbage": "old three\n\nnonsense",
    }[change]

    answer = witness.add_checkpoint(body)

    assert answer.status_code == status, answer.text
    assert witness.add_checkpoint(log.submission(0, 5)).text == "3\n"  # nothing moved


def test_two_witness_processes_cannot_share_one_memory(tmp_path):
    store = WitnessStore(tmp_path)
    try:
        with pytest.raises(WitnessFolderInUseError):
            WitnessStore(tmp_path)
    finally:
        store.close()

