"""merkle_log: every stored event as a leaf of one RFC 6962 Merkle tree, in log order.

Stores each leaf (with its log position) and the hash of every complete aligned subtree,
so an inclusion or consistency proof at a million leaves needs one indexed read of at most
a few dozen rows, and the proofs of a thousand leaves (an export) one read of all they need.
"""

from __future__ import annotations

from typing import NamedTuple

from domain import ledger as merkle
from projections.base import Change, ViewTransaction

CHUNK = 1000  # values per read: well inside SQLite's and PostgreSQL's parameter limits


class Leaf(NamedTuple):
    """What every stored event contributes, whatever its class (so there is no table by
    event class here): one leaf, at its log position."""

    position: int
    hash: bytes


class MerkleLog:
    name = "merkle_log"
    tables = ("merkle_leaves", "merkle_nodes")

    def create(self, tx: ViewTransaction) -> None:
        tx.execute("CREATE TABLE IF NOT EXISTS merkle_leaves (idx BIGINT PRIMARY KEY,"
                   " position BIGINT NOT NULL UNIQUE, hash TEXT NOT NULL)")
        tx.execute("CREATE TABLE IF NOT EXISTS merkle_nodes (level INTEGER NOT NULL,"
                   " idx BIGINT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (level, idx))")

    @staticmethod
    def facts(change: Change) -> Leaf:
        """Every stored event is a leaf: its log position and leaf hash."""
        return Leaf(change.position, change.leaf_hash)

    def __init__(self) -> None:
        self._edge: tuple[int, dict] = (0, {})
        """The right edge of the tree this view last grew, and its size then. A tree of
        that size stored has that edge (its leaves are the log's first events, in order)."""

    def apply(self, tx: ViewTransaction, leaves: list[Leaf]) -> None:
        size = self.size(tx)
        # The tree's right edge: the only stored subtrees a new leaf can complete.
        edge = set(_blocks(0, size))
        known = dict(self._edge[1]) if self._edge[0] == size else _fetch(tx, edge)
        nodes: list[tuple] = []
        tx.insert("merkle_leaves", ("idx", "position", "hash"),
                  (_leaf(position, leaf, index, known, nodes) for index, (position, leaf) in
                   enumerate(leaves, start=size)))
        tx.insert("merkle_nodes", ("level", "idx", "hash"), nodes)
        grown = size + len(leaves)
        self._edge = (grown, {block: known[block] for block in _blocks(0, grown)})

    # --- queries ------------------------------------------------------------------------

    @staticmethod
    def size(tx: ViewTransaction) -> int:
        """How many leaves: indices run 0, 1, … without gaps, so one index read tells."""
        return tx.one("SELECT COALESCE(MAX(idx) + 1, 0) FROM merkle_leaves")[0]

    @staticmethod
    def last_position(tx: ViewTransaction, size: int) -> int:
        """The log position of the last leaf of the tree of `size` leaves (0 if empty)."""
        if size == 0:
            return 0
        return tx.one("SELECT position FROM merkle_leaves WHERE idx = ?", (size - 1,))[0]

    @staticmethod
    def leaves_after(tx: ViewTransaction, index: int, limit: int) -> list[tuple[int, int, str]]:
        """(index, log position, hex leaf hash) of up to `limit` leaves after `index`, in
        order."""
        return tx.rows("SELECT idx, position, hash FROM merkle_leaves WHERE idx > ?"
                       " ORDER BY idx LIMIT ?", (index, limit))

    @staticmethod
    def leaf_indices(tx: ViewTransaction, positions: list[int]) -> dict[int, int]:
        """The leaf index of each of the log positions that has one."""
        found = {}
        for chunk in _chunks(sorted(set(positions))):
            found.update(tx.rows("SELECT position, idx FROM merkle_leaves WHERE position IN"
                                 f" ({', '.join('?' * len(chunk))})", chunk))
        return found

    def root(self, tx: ViewTransaction, size: int) -> bytes:
        return self._prove(tx, lambda node: node(0, size) if size else merkle.EMPTY_ROOT)

    def inclusion_proof(self, tx: ViewTransaction, index: int, size: int) -> list[bytes]:
        return self._prove(tx, lambda node: merkle.inclusion_proof(index, size, node))

    def inclusion_proofs(self, tx: ViewTransaction, indices: list[int],
                         size: int) -> list[list[bytes]]:
        """The inclusion proof of each leaf, against one tree size, from one read."""
        return self._prove_each(tx, [lambda node, index=index: merkle.inclusion_proof(
            index, size, node) for index in indices])

    def consistency_proof(self, tx: ViewTransaction, old: int, new: int) -> list[bytes]:
        return self._prove(tx, lambda node: merkle.consistency_proof(old, new, node))

    def _prove(self, tx: ViewTransaction, algorithm):
        return self._prove_each(tx, [algorithm])[0]

    @staticmethod
    def _prove_each(tx: ViewTransaction, algorithms: list) -> list:
        """Run each proof algorithm twice: once to learn which subtrees they need (one read
        fetches them all), then for real over the fetched hashes."""
        wanted: set[tuple[int, int]] = set()

        def note(start: int, end: int) -> bytes:
            wanted.update(_blocks(start, end))
            return merkle.EMPTY_ROOT

        for algorithm in algorithms:
            algorithm(note)
        hashes = _fetch(tx, wanted)

        def node(start: int, end: int) -> bytes:
            return merkle.fold([hashes[block] for block in _blocks(start, end)])

        return [algorithm(node) for algorithm in algorithms]


def _leaf(position: int, leaf: bytes, index: int, known: dict, nodes: list) -> tuple:
    """The row of leaf `index`; the subtrees it completes go to `nodes`, bottom up."""
    known[(0, index)] = leaf
    level, idx = 0, index
    while idx % 2 == 1:
        parent = merkle.node_hash(known[(level, idx - 1)], known[(level, idx)])
        level, idx = level + 1, idx // 2
        known[(level, idx)] = parent
        nodes.append((level, idx, parent.hex()))
    return index, position, leaf.hex()


def _blocks(start: int, end: int) -> list[tuple[int, int]]:
    """(level, idx) of each aligned subtree that makes up [start, end)."""
    return [((e - s).bit_length() - 1, s // (e - s)) for s, e in merkle.aligned_ranges(start, end)]


def _fetch(tx: ViewTransaction, blocks: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The hashes of the blocks: one read of the leaves, one of the nodes (per CHUNK)."""
    found = {}
    for chunk in _chunks(sorted(idx for level, idx in blocks if level == 0)):
        marks = ", ".join("?" * len(chunk))
        for idx, value in tx.rows(f"SELECT idx, hash FROM merkle_leaves WHERE idx IN ({marks})",
                                  chunk):
            found[(0, idx)] = bytes.fromhex(value)
    for chunk in _chunks(sorted(block for block in blocks if block[0] > 0)):
        by_level: dict[int, list[int]] = {}
        for level, idx in chunk:
            by_level.setdefault(level, []).append(idx)
        condition = " OR ".join(f"(level = ? AND idx IN ({', '.join('?' * len(ids))}))"
                                for ids in by_level.values())
        params = [value for level, ids in by_level.items() for value in (level, *ids)]
        for row in tx.rows(f"SELECT level, idx, hash FROM merkle_nodes WHERE {condition}",
                           params):
            found[row[:2]] = bytes.fromhex(row[2])
    return found


def _chunks(values: list, size: int = CHUNK) -> list[list]:
    return [values[start:start + size] for start in range(0, len(values), size)]
