"""Cursor-paged reads with optional filters: the shape shared by the trail-like views."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from projections.base import ViewTransaction


class Where:
    """The conditions of one page: rows after a cursor, and whichever filters were given."""

    def __init__(self, cursor: str, after: int) -> None:
        self.cursor = cursor
        self.clauses, self.params = [f"{cursor} > ?"], [after]

    def clause(self, sql: str, *params: Any) -> Where:
        self.clauses.append(sql)
        self.params += params
        return self

    def equal(self, **columns: Any) -> Where:
        for column, value in columns.items():
            if value is not None:
                self.clause(f"{column} = ?", value)
        return self

    def within(self, column: str, since: datetime | None, until: datetime | None) -> Where:
        if since:
            self.clause(f"{column} >= ?", since.isoformat())
        if until:
            self.clause(f"{column} < ?", until.isoformat())
        return self


def page(tx: ViewTransaction, table: str, columns: Sequence[str], where: Where,
         limit: int) -> list[dict]:
    """The rows after the cursor, oldest first, as dicts."""
    rows = tx.rows(f"SELECT {', '.join(columns)} FROM {table}"
                   f" WHERE {' AND '.join(where.clauses)} ORDER BY {where.cursor} LIMIT ?",
                   (*where.params, limit))
    return [dict(zip(columns, row, strict=True)) for row in rows]
