"""A patient's history: every entry of the patient and their courses, in log order.

The audit trail says which records and positions belong to the patient; the entries'
content is read from the event store itself. A voided entry stays, marked with the void
that struck it. Sealed personal data is never opened here.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.application import ClinicalRecords
from domain.clinical_time import MOST_OFFSET, LateEntryPolicy, made_late
from projections.audit_trail import AuditTrail, RecordEntry
from projections.base import ViewTransaction
from projections.signatures_shown import mark_signatures

CLINICAL_RECORDS = ("Patient", "TreatmentCourse")
BOOKKEEPING = {"originator_id", "originator_version", "timestamp", "actor", "occurred_at",
               "late_entry_reason"}
SEALED = "sealed_personal_data"


def patient_history(tx: ViewTransaction, records: ClinicalRecords, patient_id: str,
                    up_to: int | None = None, as_of: datetime | None = None) -> list[dict]:
    """Every entry of the patient, oldest first: up to a log position, and as the record
    stood at an instant (server time), if given. Late entries are marked."""
    rows = [row for row in AuditTrail.entries_of_patient(tx, patient_id, up_to)
            if row.record_type in CLINICAL_RECORDS and (
                as_of is None or datetime.fromisoformat(row.recorded_at) <= as_of)]
    events = {}
    for record_id in dict.fromkeys(row.record_id for row in rows):
        for event in records.events.get(UUID(record_id)):
            events[(record_id, event.originator_version)] = event
    late = records.policy.late_entries
    entries = [_entry(row, events[(row.record_id, row.version)], late) for row in rows]
    _mark_voids(entries)
    _mark_amendments(entries)
    mark_signatures(entries)
    return entries


def _entry(row: RecordEntry, event: Any, late: LateEntryPolicy) -> dict:
    actor = getattr(event, "actor", None)
    return {**row._asdict(),
            "actor": actor and {"id": actor.id, "name": actor.name, "role": actor.role},
            "occurred_at": getattr(event, "occurred_at", None),
            "details": details_of(event), "voided_by": None, "amended_by": None,
            "supersedes": None, "signatures": [],
            "late_entry": late_entry_of(event, late)}


def late_entry_of(event: Any, late: LateEntryPolicy) -> dict | None:
    """How late the entry was made, and why (None: not late; see made_late)."""
    occurred_at = getattr(event, "occurred_at", None)
    if occurred_at is None or not made_late(event, late):
        return None
    hours = (event.timestamp - occurred_at).total_seconds() // 3600
    return {"reason": getattr(event, "late_entry_reason", None),
            "hours_after": max(int(hours), 0)}


def details_of(event: Any) -> dict:
    """What the entry says, as plain JSON values (personal data stays sealed)."""
    fields = {name: value for name, value in vars(event).items() if name not in BOOKKEEPING}
    if SEALED in fields:
        fields[SEALED] = "(sealed under the patient's key)"
    return {name: plain(value) for name, value in fields.items()}


def plain(value: Any) -> Any:
    match value:
        case Decimal() | UUID():
            return str(value)
        case datetime():
            return on_earth(value).isoformat()
        case date():
            return value.isoformat()
        case Enum():
            return value.value
        case dict():
            return {str(k): plain(v) for k, v in value.items()}
        case list() | tuple() | set() | frozenset():
            return [plain(v) for v in value]
        case _ if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def on_earth(when: datetime) -> datetime:
    """A time as every format can carry it: one stored with an offset beyond ±14:00 (taken
    before such offsets were refused) is shown in UTC, the same instant."""
    offset = when.utcoffset()
    return when.astimezone(UTC) if offset is not None and abs(offset) > MOST_OFFSET else when


def _mark_amendments(entries: list[dict]) -> None:
    """An amendment and the entry it supersedes name each other (both stay in history)."""
    by_record = {(e["record_id"], e["version"]): e for e in entries}
    for amendment in entries:
        replaced = amendment["details"].get("supersedes")
        superseded = by_record.get((amendment["record_id"], replaced))
        if replaced is None or superseded is None:
            continue
        amendment["supersedes"] = {"position": superseded["position"], "version": replaced}
        superseded["amended_by"] = {"position": amendment["position"],
                                    "version": amendment["version"],
                                    "reason": amendment["details"].get("reason"),
                                    "actor": amendment["actor"],
                                    "at": amendment["occurred_at"]}


def _mark_voids(entries: list[dict]) -> None:
    by_record = {(e["record_id"], e["version"]): e for e in entries}
    for void in entries:
        if void["event_type"] == "EntryVoided":
            struck = by_record.get((void["record_id"], void["details"]["entry_version"]))
            if struck is not None:
                struck["voided_by"] = {"position": void["position"],
                                       "reason": void["details"]["reason"],
                                       "actor": void["actor"], "at": void["occurred_at"]}
