"""A group's improvements as the tally holds them (each value with how many course areas
improved by it), read like the sorted list they stand for; and the median and quartiles of
such a list, as the standard library's `statistics` computes them, without writing it out."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate


class Spread(Sequence[float]):
    """The sorted list in which each value appears as many times as it is counted."""

    def __init__(self, counts: Mapping[float, int]) -> None:
        self.values = sorted(value for value, n in counts.items() if n > 0)
        self.ends = list(accumulate(counts[value] for value in self.values))

    def __len__(self) -> int:
        return self.ends[-1] if self.ends else 0

    def __getitem__(self, index):  # type: ignore[override]
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.values[bisect_right(self.ends, index)]


def median(points: Sequence[float]) -> float:
    """statistics.median of the sorted `points`."""
    n = len(points)
    middle = n // 2
    return points[middle] if n % 2 else (points[middle - 1] + points[middle]) / 2


def quartiles(points: Sequence[float]) -> tuple[float, float]:
    """The first and third quartiles of the sorted `points`, as
    statistics.quantiles(points, n=4, method="inclusive") gives them (one point: itself)."""
    if len(points) == 1:
        return points[0], points[0]
    m = len(points) - 1
    found = []
    for i in (1, 3):
        j, delta = divmod(i * m, 4)
        found.append((points[j] * (4 - delta) + points[j + 1] * delta) / 4)
    return found[0], found[1]
