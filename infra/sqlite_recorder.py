"""The event store on SQLite: the eventsourcing library's recorder, plus two things in each
save's transaction. It marks the idempotent request the save is made for (infra/requests.py).
And it saves only if the records the save relies on are unchanged (`unchanged`: record id →
the version its decision read; see RecordKeeping._save in domain/record_keeping.py),
checked after the insert, which holds the write lock and so reads the newest saves, against
what was stored before this save's own events (as on PostgreSQL, which checks before
inserting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from domain.errors import RecordChangedError
from infra.requests import (
    MARK,
    PendingRequest,
    RequestAlreadyRecorded,
    marked_with,
    request_to_mark,
)


class SQLiteRecorder(SQLiteApplicationRecorder):
    """The library's recorder, marking the pending request in the events' transaction and
    checking the records the save relies on."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.select_version_before = (f"SELECT MAX(originator_version) FROM"
                                      f" {self.events_table_name}"
                                      f" WHERE originator_id = ? AND rowid < ?")

    def select_entry(self, originator_id: UUID, version: int) -> Notification | None:
        """One stored event with its log position (for the leaf hash a signature covers)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, topic, state FROM {self.events_table_name}"
                      " WHERE originator_id = ? AND originator_version = ?",
                      (originator_id.hex, version))
            row = c.fetchone()
        return row and Notification(id=row[0], originator_id=originator_id,
                                    originator_version=version, topic=row[1], state=row[2])

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        request = request_to_mark()
        positions = super().insert_events(stored_events, request=request, **kwargs)
        if request is not None and stored_events:
            request.recorded = True
        return positions

    def _insert_events(self, c, stored_events: Sequence[StoredEvent],
                       request: PendingRequest | None = None,
                       unchanged: Mapping[UUID, int] | None = None, **kwargs: Any
                       ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if not stored_events:
            return positions  # nothing recorded, nothing to check (as on PostgreSQL)
        # Checked after the insert: it holds the write lock, and reads the newest state.
        for record_id, version in (unchanged or {}).items():
            c.execute(self.select_version_before, (record_id.hex, positions[0]))
            if c.fetchone()[0] != version:
                raise RecordChangedError(f"{record_id} changed")  # the transaction rolls back
        if request is not None:
            c.execute(MARK, (*marked_with(stored_events), positions[-1], request.owner,
                             request.key, request.run))
            if c.sqlite_cursor.rowcount != 1:
                raise RequestAlreadyRecorded(request.key)  # the transaction rolls back
        return positions
