"""What every read model is: tables it owns, and how a batch of recorded events changes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from eventsourcing.persistence import Notification

from domain.merkle import event_leaf_hash


@dataclass(frozen=True)
class Change:
    """One stored event: its place in the log, its bytes as stored, and the event itself."""

    position: int
    stored: Notification
    event: Any

    @property
    def event_type(self) -> str:
        return type(self.event).__name__

    @cached_property
    def leaf_hash(self) -> bytes:
        """This event's leaf in the Merkle log, computed once for every view that needs it."""
        return event_leaf_hash(self.stored)


class ViewTransaction(Protocol):
    """An open transaction on the view database; SQL uses `?` placeholders."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None: ...


class Projection(Protocol):
    """A read model. `apply` runs inside the transaction that also moves its position."""

    name: str
    tables: tuple[str, ...]

    def create(self, tx: ViewTransaction) -> None: ...

    def apply(self, tx: ViewTransaction, changes: list[Change]) -> None: ...
