"""access_log: every read of patient-scoped data, refused ones included, and every refused
write, with the rule or the field that refused it.

Unlike the other views it is not projected from events: the HTTP layer writes an entry,
and commits it, before the answer leaves the server. Entries hold identifiers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from projections.base import ViewTransaction
from projections.paging import Where
from projections.paging import page as paged

COLUMNS = ("id", "read_at", "actor_id", "role", "actor_clinic", "patient_id",
           "patient_clinic", "resource", "outcome", "rule", "field")
ADDED = ("rule", "field")  # columns an older access_log table lacks
LISTED = {True: "SELECT column_name FROM information_schema.columns WHERE"
                " table_schema = current_schema() AND table_name = 'access_log'",
          False: "SELECT name FROM pragma_table_info('access_log')"}


@dataclass(frozen=True)
class AccessEntry:
    read_at: datetime
    actor_id: str
    role: str
    actor_clinic: str
    patient_id: str | None
    patient_clinic: str | None
    resource: str
    outcome: int
    rule: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class AccessFilter:
    clinic: str | None = None
    patient_id: str | None = None
    actor_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AccessLog:
    tables = ("access_log",)

    @staticmethod
    def create(tx: ViewTransaction, postgres: bool) -> None:
        id_column = "BIGSERIAL" if postgres else "INTEGER"  # both number rows by themselves
        tx.execute(f"CREATE TABLE IF NOT EXISTS access_log (id {id_column} PRIMARY KEY,"
                   " read_at TEXT NOT NULL, actor_id TEXT NOT NULL, role TEXT NOT NULL,"
                   " actor_clinic TEXT NOT NULL, patient_id TEXT, patient_clinic TEXT,"
                   " resource TEXT NOT NULL, outcome INTEGER NOT NULL, rule TEXT,"
                   " field TEXT)")
        existing = {row[0] for row in tx.rows(LISTED[postgres])}
        for column in ADDED:
            if column not in existing:
                tx.execute(f"ALTER TABLE access_log ADD COLUMN {column} TEXT")
        tx.execute("CREATE INDEX IF NOT EXISTS access_log_patient"
                   " ON access_log (patient_id, id)")
        tx.execute("CREATE INDEX IF NOT EXISTS access_log_actor ON access_log (actor_id, id)")

    @staticmethod
    def record(tx: ViewTransaction, entries: list[AccessEntry]) -> None:
        """One INSERT statement for all the entries of a read (mostly one)."""
        for start in range(0, len(entries), 500):
            chunk = entries[start:start + 500]
            tx.execute(
                "INSERT INTO access_log (read_at, actor_id, role, actor_clinic, patient_id,"
                " patient_clinic, resource, outcome, rule, field) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk)),
                [value for e in chunk for value in (
                    e.read_at.isoformat(), e.actor_id, e.role, e.actor_clinic, e.patient_id,
                    e.patient_clinic, e.resource, e.outcome, e.rule, e.field)])

    @staticmethod
    def page(tx: ViewTransaction, where: AccessFilter, after: int = 0,
             limit: int = 100) -> list[dict]:
        """Entries after an id (the cursor), oldest first. A clinic sees reads of its
        patients and reads (and refused writes) by its own staff; of another clinic's record
        its staff probed, only what the probe named: never the owning clinic, nor a patient
        the path did not name (a course's). A regulator, reading every clinic, sees all."""
        conditions = Where("id", after)
        if where.clinic is not None:
            conditions.clause("(patient_clinic = ? OR actor_clinic = ?)", where.clinic,
                              where.clinic)
            if where.patient_id is not None:
                conditions.clause("(patient_clinic = ? OR resource LIKE ?)", where.clinic,
                                  f"%{where.patient_id}%")
        conditions.equal(patient_id=where.patient_id, actor_id=where.actor_id)
        entries = paged(tx, "access_log", COLUMNS, conditions.within("read_at", where.since,
                                                                     where.until), limit)
        if where.clinic is not None:
            for entry in entries:
                if entry["patient_clinic"] != where.clinic:
                    _as_probed(entry)
        return entries


def _as_probed(entry: dict) -> None:
    """Another clinic's record, as its prober's clinic may see it: as if it did not exist."""
    entry["patient_clinic"] = None
    if entry["patient_id"] is not None and entry["patient_id"] not in entry["resource"]:
        entry["patient_id"] = None
