"""audit_trail: one entry per stored event — who, when, what kind of change, to which record.

Identifiers and links only: no names, no dates of birth, no clinical values. The leaf hash
ties each entry to the integrity log (the same hash the Merkle tree is built from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from eventsourcing.application import LRUCache

from projections.base import Change, ViewTransaction
from projections.paging import Where
from projections.paging import page as paged

VOID = {"EntryVoided"}
AMEND = {"PersonalDataAmended", "PlanAmended", "ConsentWithdrawn", "ConditionResolved",
         "Suspended", "Resumed", "Completed", "Discontinued"}

COLUMNS = ("position", "recorded_at", "actor_id", "actor_role", "action", "aggregate_type",
           "aggregate_id", "version", "patient_id", "clinic", "event_type", "leaf_hash")
ENTRY_COLUMNS = tuple(column for column in COLUMNS if column not in ("patient_id", "clinic"))
"""What an event tells of its entry; whose record it is comes from the record's first entry."""
RECORD = ENTRY_COLUMNS.index("aggregate_id")

Told = tuple[str, str | None] | None
"""Whose record an event says it is: (patient, clinic); (patient, None) when the clinic is
that patient's; None when it does not say."""


def _told(event, aggregate_type: str, record_id: str) -> Told:
    if aggregate_type == "MrnIndex":
        return str(event.patient_id), None
    if hasattr(event, "clinic"):
        return (record_id if aggregate_type == "Patient" else str(event.patient_id)), event.clinic
    return None


def action_of(event_type: str) -> str:
    return "void" if event_type in VOID else "amend" if event_type in AMEND else "create"


@cache
def kind_of(topic: str) -> tuple[str, str, str]:
    """Record type, event type and action of a topic such as `mesoledger.Patient.Screened`."""
    _, aggregate_type, event_type = topic.split(".")
    return aggregate_type, event_type, action_of(event_type)


@dataclass(frozen=True)
class AuditFilter:
    clinic: str | None = None
    patient_id: str | None = None
    actor_id: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditTrail:
    name = "audit_trail"
    tables = ("audit_trail",)
    owners_remembered = 20_000  # about 5 MB
    """Whose a record is never changes, so it is read once per record, not once per batch."""

    def __init__(self) -> None:
        self._owners: LRUCache[str, tuple[str, str]] = LRUCache(self.owners_remembered)

    def create(self, tx: ViewTransaction) -> None:
        tx.execute(
            "CREATE TABLE IF NOT EXISTS audit_trail (position BIGINT PRIMARY KEY,"
            " recorded_at TEXT NOT NULL, actor_id TEXT, actor_role TEXT, action TEXT NOT NULL,"
            " aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL, version INTEGER NOT NULL,"
            " patient_id TEXT, clinic TEXT, event_type TEXT NOT NULL, leaf_hash TEXT NOT NULL)")
        for column in ("patient_id", "actor_id", "event_type", "recorded_at"):
            tx.execute(f"CREATE INDEX IF NOT EXISTS audit_by_{column}"
                       f" ON audit_trail ({column}, position)")
        # Whose a record is comes from its first entry; only first entries are indexed.
        tx.execute("DROP INDEX IF EXISTS audit_by_record")  # every entry, until 2026-12
        tx.execute("CREATE INDEX IF NOT EXISTS audit_first_entries"
                   " ON audit_trail (aggregate_id) WHERE version = 1")

    @staticmethod
    def facts(change: Change) -> tuple[tuple, Told]:
        """The entry, less whose record it is (ENTRY_COLUMNS), and what the event itself
        tells of that."""
        aggregate_type, event_type, action = kind_of(change.stored.topic)
        event, record_id = change.event, change.record_id
        actor = getattr(event, "actor", None)
        entry = (change.position, event.timestamp.isoformat(), actor and actor.id,
                 actor and actor.role, action, aggregate_type, record_id,
                 change.stored.originator_version, event_type, change.leaf_hash.hex())
        return entry, _told(event, aggregate_type, record_id)

    def apply(self, tx: ViewTransaction, facts: list[tuple[tuple, Told]]) -> None:
        owners: dict[str, tuple[str | None, str | None]] = {}
        for entry, told in facts:
            self._owner(tx, entry[RECORD], told, owners)
        tx.insert("audit_trail", (*ENTRY_COLUMNS, "patient_id", "clinic"),
                  [entry + owners[entry[RECORD]] for entry, _ in facts])

    def _owner(self, tx, record_id: str, told: Told, owners: dict) -> tuple:
        """Which patient and clinic a record belongs to (from its record's first entry)."""
        if record_id not in owners:
            if told is None:
                owners[record_id] = self._first_entry_owner(tx, record_id)
            elif told[1] is None:  # an MRN index entry: the clinic is its patient's
                owners[record_id] = (told[0], self._owner(tx, told[0], None, owners)[1])
            else:
                owners[record_id] = told
                self._owners.put(record_id, told)
        return owners[record_id]

    def _first_entry_owner(self, tx, record_id: str) -> tuple[str | None, str | None]:
        try:
            return self._owners.get(record_id)
        except KeyError:
            found = tx.one("SELECT patient_id, clinic FROM audit_trail"
                           " WHERE aggregate_id = ? AND version = 1", (record_id,))
            if found is None:
                return None, None
            self._owners.put(record_id, found)
            return found

    # --- queries ------------------------------------------------------------------------

    @staticmethod
    def page(tx: ViewTransaction, where: AuditFilter, after: int = 0,
             limit: int = 100) -> list[dict]:
        """Entries after a position (the cursor), oldest first."""
        conditions = Where("position", after).equal(
            clinic=where.clinic, patient_id=where.patient_id, actor_id=where.actor_id,
            event_type=where.event_type).within("recorded_at", where.since, where.until)
        return paged(tx, "audit_trail", COLUMNS, conditions, limit)
