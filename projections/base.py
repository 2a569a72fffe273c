"""What every read model is: tables it owns, what it takes from each recorded event, and how
a batch of what it took changes its tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.persistence import Notification

from domain.ledger import event_leaf_hash


@dataclass(frozen=True)
class Change:
    """One stored event: its place in the log, its bytes as stored, and the event itself."""

    position: int
    stored: Notification
    event: Any
    record_id: str = field(init=False)
    """The id of the record (patient, course, …) the event belongs to, as text."""
    leaf_hash: bytes = field(init=False, repr=False)
    """This event's leaf in the Merkle log, computed once for every view that needs it."""

    def __post_init__(self) -> None:
        record_id = str(self.stored.originator_id)
        object.__setattr__(self, "record_id", record_id)
        object.__setattr__(self, "leaf_hash", event_leaf_hash(self.stored, record_id))

    @property
    def event_type(self) -> str:
        return type(self.event).__name__


class ViewTransaction(Protocol):
    """An open transaction on the view database; SQL uses `?` placeholders."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Add new rows (faster than executemany of an INSERT); `rows` may be a generator,
        which must not use the transaction itself."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None: ...

    def keys_in(self, columns: tuple[str, ...], count: int) -> str:
        """A condition matching `count` keys of these columns, their values as parameters."""


class Projection(Protocol):
    """A read model, in two steps. `facts` takes what the view needs from one stored event,
    or None when it needs nothing: a pure static function of the event, so it may run in the
    process that reads the log (infra/log_reading.py), and its result must pickle. Each view
    says at its top which event classes it takes and what each contributes (`FACTS`, a table
    from event class to a function), and declares its facts there as named tuples. `apply`
    writes the facts of a batch, in log order, inside the transaction that also moves the
    view's position."""

    name: str
    tables: tuple[str, ...]

    def create(self, tx: ViewTransaction) -> None: ...

    @staticmethod
    def facts(change: Change) -> Any | None: ...

    def apply(self, tx: ViewTransaction, facts: list[Any]) -> None: ...


@dataclass(frozen=True)
class Insert:
    """New rows for one table, written with `ViewTransaction.insert`."""

    table: str
    columns: tuple[str, ...]


Statement = str | Insert


@dataclass(frozen=True)
class Counts:
    """Numbers kept per key in one table (`column` of the row of each `key`), moved by
    differences: a key new to the table starts from none, a row that falls to none goes. A
    key may come with columns that describe it (`described_by`, written with a new row): the
    keys moved then name them after the key."""

    table: str
    key: tuple[str, ...]
    column: str
    described_by: tuple[str, ...] = ()
    per_statement: int = 100
    """Rows to one statement (within SQLite's oldest limit of 999 values): on PostgreSQL a
    statement a row (executemany) cost three times as much."""

    def add(self, tx: ViewTransaction, moved: dict[tuple, int],
            returning: bool = False) -> list[tuple]:
        """Add each key's number to its row; with `returning`, each moved row's key and new
        number."""
        names = ", ".join(self.key)
        columns = ", ".join((*self.key, *self.described_by, self.column))
        marks = f"({', '.join('?' * (len(self.key) + len(self.described_by) + 1))})"

        def upsert(count: int) -> str:
            return (f"INSERT INTO {self.table} ({columns})"
                    f" VALUES {', '.join([marks] * count)} ON CONFLICT ({names}) DO UPDATE"
                    f" SET {self.column} = {self.table}.{self.column} + excluded.{self.column}")

        return _chunked(tx, [(*key, n) for key, n in moved.items() if n], self.per_statement,
                        upsert, f"{names}, {self.column}" if returning else "")

    def forget_emptied(self, tx: ViewTransaction, moved: dict[tuple, int]) -> None:
        """Delete the rows that fell to none (only rows that fell can have)."""
        fell = [key[:len(self.key)] for key, n in moved.items() if n < 0]
        if fell:
            execute_in(tx, f"DELETE FROM {self.table} WHERE {self.column} = 0 AND", self.key,
                       fell)


def write_all(tx: ViewTransaction, writes: dict[Statement, list[tuple]]) -> None:
    """Each statement once for all its rows, in the order of `writes`."""
    for statement, rows in writes.items():
        if isinstance(statement, Insert):
            tx.insert(statement.table, statement.columns, rows)
        else:
            tx.executemany(statement, rows)


def rows_in(tx: ViewTransaction, select_where: str, column: str, values: list) -> list[tuple]:
    """`select_where` + `column IN (…)`, a few hundred values per query."""
    found = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        found += tx.rows(f"{select_where} {column} IN ({', '.join('?' * len(chunk))})", chunk)
    return found


def execute_in(tx: ViewTransaction, statement_where: str, columns: tuple[str, ...],
               keys: list[tuple], returning: str = "") -> list[tuple]:
    """`statement_where` + `(columns) IN (…keys)`, one statement for a few hundred keys
    rather than one per key (on PostgreSQL each statement is a round trip); with
    `returning`, the rows it names of every row changed."""
    per = min(300, 900 // len(columns))  # values to a statement within SQLite's oldest limit
    return _chunked(tx, keys, per, lambda count: f"{statement_where} {tx.keys_in(columns, count)}",
                    returning)


def _chunked(tx: ViewTransaction, rows: list[tuple], per: int, sql_for: Callable[[int], str],
             returning: str) -> list[tuple]:
    """A statement for each `per` rows (`sql_for(n)` for n of them, their values in order);
    with `returning`, what each statement RETURNING those columns returns."""
    found: list[tuple] = []
    for start in range(0, len(rows), per):
        chunk = rows[start:start + per]
        sql, params = sql_for(len(chunk)), [value for row in chunk for value in row]
        if returning:
            found += tx.rows(f"{sql} RETURNING {returning}", params)
        else:
            tx.execute(sql, params)
    return found
