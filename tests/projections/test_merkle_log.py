"""merkle_log: however the log was cut into batches, the view holds the tree of the whole log."""

import pytest

from domain import merkle
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
