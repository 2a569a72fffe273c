"""merkle_log: however the log was cut into batches, the view holds the tree of the whole log."""

import pytest

from domain import ledger as merkle
from infra.projecting import open_runner
from projections.merkle_log import MerkleLog
from tests.projections.test_exactly_once import busy_course


def leaf_hashes(records) -> list[bytes]:
    return [merkle.event_leaf_hash(n) for n in records.recorder.select_notifications(1, 1000)]


@pytest.mark.parametrize("batch_size", [1, 2, 3, 7])
def test_merkle_log_kept_in_any_batches_has_every_root_and_proof_of_the_log(
        clinic, records, runner, batch_size):
    runner.batch_size = batch_size
    course_id = None
    for entries in (3, 5, 1, 9):  # the log grows between catch-ups, batches cut anywhere
        course_id = busy_course(clinic, records, entries, course_id)
        runner.catch_up()
    leaves, log = leaf_hashes(records), MerkleLog()

    with runner.views.transaction(write=False) as tx:
        assert log.size(tx) == len(leaves)
        for size in range(1, len(leaves) + 1):
            root = log.root(tx, size)
            assert root == merkle.root(leaves[:size])
            index = size // 2
            assert merkle.verify_inclusion(leaves[index], index, size,
                                           log.inclusion_proof(tx, index, size), root)
        every = list(range(len(leaves)))
        assert log.inclusion_proofs(tx, every, len(leaves)) == [
            merkle.inclusion_proof(i, len(leaves), lambda a, b: merkle.root(leaves[a:b]))
            for i in every]


def test_a_tree_grown_by_two_runners_in_turn_is_the_tree_of_the_log(clinic, records, runner,
                                                                    settings):
    """Each runner remembers the edge of the tree it last grew; the other runner's growth
    in between must not be built on as if it were not there."""
    other = open_runner(records, settings)
    try:
        course_id = None
        for turn in (runner, other, runner, other, runner):
            course_id = busy_course(clinic, records, 3, course_id)
            turn.batch_size = 2
            turn.catch_up()
    finally:
        other.views.close()
    leaves = leaf_hashes(records)

    with runner.views.transaction(write=False) as tx:
        assert MerkleLog().root(tx, len(leaves)) == merkle.root(leaves)
