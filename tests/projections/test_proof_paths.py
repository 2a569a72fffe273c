"""An export's proofs (infra/proof_paths.py) are the RFC's, however the leaves are asked for:
a path read off the index's bits must name the same siblings as the RFC's recursive split,
and the subtrees kept between patients must not leak one tree size's hashes into another."""

import base64
import random

from domain import ledger as merkle
from infra import proof_paths
from infra.proof_paths import ProofPaths, path_of
from tests.projections.test_exactly_once import busy_course
from tests.projections.test_merkle_log import leaf_hashes


def _located(start: int, end: int) -> tuple[bool, tuple[int, int]]:
    """Where the RFC's algorithm finds a sibling: a stored aligned subtree, else a fold."""
    width = end - start
    if not (width & (width - 1) or start % width):
        return True, (width.bit_length() - 1, start // width)
    return False, (start, end)


def test_a_path_read_off_the_bits_names_the_rfc_siblings_for_every_leaf():
    sizes = [*range(1, 130), *random.Random(18).sample(range(130, 2**40), 40)]
    for size in sizes:
        leaves = range(size) if size < 130 else {0, size - 1, *random.Random(size).sample(
            range(size), 30)}
        for index in leaves:
            assert path_of(index, size) == merkle.inclusion_proof(index, size, _located), (
                index, size)


def test_proofs_of_many_patients_are_each_the_rfc_proof(clinic, records, runner,
                                                        monkeypatch):
    """A few leaves at a time, like one patient after another, with a tiny keep so it is
    emptied mid-export and paths shared above level 2: every proof is still the RFC's."""
    monkeypatch.setattr(proof_paths, "KEPT", 40)
    monkeypatch.setattr(proof_paths, "SHARED", 2)
    course_id = None
    for entries in (4, 6, 3):
        course_id = busy_course(clinic, records, entries, course_id)
    runner.catch_up()
    leaves = leaf_hashes(records)

    with runner.views.transaction(write=False) as tx:
        for size in (len(leaves) - 1, len(leaves)):
            paths, order = ProofPaths(size), list(range(size))
            random.Random(size).shuffle(order)
            for start in range(0, size, 3):
                batch = order[start:start + 3]
                rfc = [merkle.inclusion_proof(i, size, lambda a, b: merkle.root(leaves[a:b]))
                       for i in batch]
                assert paths.encoded(tx, batch) == [
                    [base64.b64encode(h).decode() for h in proof] for proof in rfc]
