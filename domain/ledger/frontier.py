"""The right edge of a growing RFC 6962 tree: O(log n) hashes give its root at any size,
so a log of any length is checked in one pass and constant memory."""

from __future__ import annotations

from domain.ledger.hashes import EMPTY_ROOT, node_hash


class Frontier:
    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []  # (height, hash), heights strictly falling
        self.size = 0

    def append(self, leaf: bytes) -> None:
        height, value = 0, leaf
        while self.stack and self.stack[-1][0] == height:
            value = node_hash(self.stack.pop()[1], value)
            height += 1
        self.stack.append((height, value))
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        value = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            value = node_hash(left, value)
        return value
