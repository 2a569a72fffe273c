"""audit_trail: one entry per stored event — who, when, what kind of change, to which record.

Identifiers and links only: no names, no dates of birth, no clinical values. The leaf hash
ties each entry to the integrity log (the same hash the Merkle tree is built from).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from eventsourcing.application import LRUCache

from domain.clinical_time import made_late
from domain.course import TreatmentCourse
from domain.mrn_index import MrnIndex
from domain.patient import Patient
from domain.staff import StaffMember
from projections.base import Change, ViewTransaction, rows_in
from projections.paging import Where
from projections.paging import page as paged


class Whose(NamedTuple):
    """Whose record an event says it is: the patient, and the clinic (None: the patient's)."""

    patient_id: str | None  # None: a staff account's entry
    clinic: str | None


class Entry(NamedTuple):
    """One stored event's entry, less whose record it is, which comes from the record's
    first entry; `whose` is what the event itself tells of that (None: nothing)."""

    position: int
    recorded_at: str
    actor_id: str | None
    actor_role: str | None
    action: str
    aggregate_type: str
    aggregate_id: str
    version: int
    event_type: str
    leaf_hash: str
    whose: Whose | None = None
    late_entry: bool = False


def _entry(change: Change, action: str, whose: Whose | None = None) -> Entry:
    aggregate_type, event_type = kind_of(change.stored.topic)
    event = change.event
    actor = getattr(event, "actor", None)
    return Entry(change.position, event.timestamp.isoformat(), actor and actor.id,
                 actor and actor.role, action, aggregate_type, change.record_id,
                 change.stored.originator_version, event_type, change.leaf_hash.hex(), whose,
                 made_late(event))


def _created(change: Change) -> Entry:
    return _entry(change, "create")


def _amended(change: Change) -> Entry:
    return _entry(change, "amend")


def _voided(change: Change) -> Entry:
    return _entry(change, "void")


def _registered(change: Change) -> Entry:
    return _entry(change, "create", Whose(change.record_id, change.event.clinic))


def _planned(change: Change) -> Entry:
    return _entry(change, "create", Whose(str(change.event.patient_id), change.event.clinic))


def _staff_registered(change: Change) -> Entry:  # a staff account: its clinic's, no patient's
    return _entry(change, "create", Whose(None, change.event.clinic))


def _claimed(change: Change) -> Entry:  # an MRN claimed: the clinic is its patient's
    return _entry(change, "create", Whose(str(change.event.patient_id), None))


FACTS: dict[type, Callable[[Change], Entry]] = {
    Patient.Registered: _registered,
    TreatmentCourse.Planned: _planned,
    MrnIndex.Claimed: _claimed,
    StaffMember.Registered: _staff_registered,
    TreatmentCourse.EntryVoided: _voided,
    Patient.EntryVoided: _voided,
    **dict.fromkeys((Patient.PersonalDataAmended, Patient.ConsentWithdrawn,
                     Patient.ConditionResolved, TreatmentCourse.PlanAmended,
                     TreatmentCourse.Suspended, TreatmentCourse.Resumed,
                     TreatmentCourse.Completed, TreatmentCourse.Discontinued,
                     StaffMember.RoleGranted, StaffMember.RoleRevoked,
                     StaffMember.Deactivated, StaffMember.Reactivated,
                     StaffMember.PasswordChanged, StaffMember.SecondFactorEnrolled), _amended),
}
"""Which events say more than that they happened, and what each contributes; EVERY_OTHER
event contributes an entry of action "create", whose record it does not say."""
EVERY_OTHER = _created

COLUMNS = ("position", "recorded_at", "actor_id", "actor_role", "action", "aggregate_type",
           "aggregate_id", "version", "patient_id", "clinic", "event_type", "leaf_hash")
ENTRY_COLUMNS = Entry._fields[:-2]
"""What an event tells of its entry; whose record it is comes from the record's first entry."""


@cache
def kind_of(topic: str) -> tuple[str, str]:
    """Record type and event type of a topic such as `mesoledger.Patient.Screened`."""
    _, aggregate_type, event_type = topic.split(".")
    return aggregate_type, event_type


class RecordEntry(NamedTuple):
    """An entry of a patient's record, as the audit trail knows it."""

    position: int
    recorded_at: str
    record_type: str
    record_id: str
    version: int
    event_type: str


@dataclass(frozen=True)
class AuditFilter:
    clinic: str | None = None
    patient_id: str | None = None
    actor_id: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    late: bool | None = None


class AuditTrail:
    name = "audit_trail"
    tables = ("audit_trail", "audit_late_entries")
    owners_remembered = 20_000  # about 5 MB
    """Whose a record is never changes, so it is read once per record, not once per batch."""

    def __init__(self) -> None:
        self._owners: LRUCache[str, tuple[str, str]] = LRUCache(self.owners_remembered)

    def create(self, tx: ViewTransaction) -> None:
        # Late entries are few: listed apart, a store made before they were marked gets the
        # list on `mesoledger projections rebuild audit_trail`, its trail unchanged till then.
        tx.execute("CREATE TABLE IF NOT EXISTS audit_late_entries (position BIGINT PRIMARY KEY,"
                   " actor_id TEXT)")
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
    def facts(change: Change) -> Entry:
        """What the event contributes, by FACTS: every event has an entry."""
        return FACTS.get(type(change.event), EVERY_OTHER)(change)

    def apply(self, tx: ViewTransaction, facts: list[Entry]) -> None:
        owners: dict[str, tuple[str | None, str | None]] = {}
        for entry in facts:
            self._owner(tx, entry.aggregate_id, entry.whose, owners)
        tx.insert("audit_trail", (*ENTRY_COLUMNS, "patient_id", "clinic"),
                  [entry[:-2] + owners[entry.aggregate_id] for entry in facts])
        tx.insert("audit_late_entries", ("position", "actor_id"),
                  [(entry.position, entry.actor_id) for entry in facts if entry.late_entry])

    def _owner(self, tx, record_id: str, told: Whose | None, owners: dict) -> tuple:
        """Which patient and clinic a record belongs to (from its record's first entry)."""
        if record_id not in owners:
            if told is None:
                owners[record_id] = self._first_entry_owner(tx, record_id)
            elif told[1] is None:  # an MRN index entry: the clinic is its patient's
                owners[record_id] = (told[0], self._owner(tx, told[0], None, owners)[1])
            else:
                owners[record_id] = tuple(told)
                self._owners.put(record_id, owners[record_id])
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
        """Entries after a position (the cursor), oldest first, each marked whether it was
        made late; `late` True or False keeps only the late entries, or only the others."""
        conditions = Where("position", after).equal(
            clinic=where.clinic, patient_id=where.patient_id, actor_id=where.actor_id,
            event_type=where.event_type).within("recorded_at", where.since, where.until)
        if where.late is not None:
            conditions.clause(f"position {'' if where.late else 'NOT '}IN"
                              " (SELECT position FROM audit_late_entries)")
        entries = paged(tx, "audit_trail", COLUMNS, conditions, limit)
        late = {row[0] for row in rows_in(tx, "SELECT position FROM audit_late_entries WHERE",
                                          "position", [e["position"] for e in entries])}
        return [entry | {"late_entry": entry["position"] in late} for entry in entries]

    @staticmethod
    def entries_of_patient(tx: ViewTransaction, patient_id: str,
                           up_to: int | None = None) -> list[RecordEntry]:
        """Every entry of the patient's records (their own and their courses', and the MRN
        they claimed), oldest first; up to a log position, if given."""
        rows = tx.rows("SELECT position, recorded_at, aggregate_type, aggregate_id, version,"
                       " event_type FROM audit_trail WHERE patient_id = ? AND position <= ?"
                       " ORDER BY position", (patient_id, 2**62 if up_to is None else up_to))
        return [RecordEntry._make(row) for row in rows]

    @staticmethod
    def voids_of_patient(tx: ViewTransaction, patient_id: str) -> list[RecordEntry]:
        """The voids on the patient's records (their own and their courses'), oldest first."""
        rows = tx.rows("SELECT position, recorded_at, aggregate_type, aggregate_id, version,"
                       " event_type FROM audit_trail WHERE patient_id = ?"
                       " AND event_type = 'EntryVoided' ORDER BY position", (patient_id,))
        return [RecordEntry._make(row) for row in rows]

    @staticmethod
    def last_entry_at(tx: ViewTransaction, patient_id: str) -> datetime | None:
        """When the patient's record last changed (requests to erase it do not count)."""
        row = tx.one("SELECT MAX(recorded_at) FROM audit_trail WHERE patient_id = ?"
                     " AND event_type <> 'ErasureRefused'", (patient_id,))
        return datetime.fromisoformat(row[0]) if row and row[0] else None
