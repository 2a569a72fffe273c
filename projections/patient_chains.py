"""patient_chains: for each patient, how many entries the log holds of them (their own
record's and every course's) and the chained digest of those entries' leaf hashes
(domain/ledger/completeness.py). A checkpoint commits to all of them, so an export can prove
it leaves none of the patient's entries out.

It is a view like the others: a convenience for signing, never evidence. `verify` recomputes
every chain from the stored events and holds each checkpoint to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple
from uuid import UUID

from eventsourcing.application import LRUCache
from eventsourcing.domain import Aggregate

from domain.course import TreatmentCourse
from domain.ledger.completeness import CHAIN_START, PatientChain
from domain.patient import Patient
from projections.base import Change, Insert, ViewTransaction, rows_in, write_all


class PatientEntry(NamedTuple):
    """An entry of the patient's own record."""

    patient_id: str
    leaf: bytes


class PatientRegistered(NamedTuple):
    """The patient's first entry: it names their clinic."""

    patient_id: str
    clinic: str
    leaf: bytes


class CoursePlanned(NamedTuple):
    """A course's first entry: it names its patient."""

    course_id: str
    patient_id: str
    leaf: bytes


class CourseEntry(NamedTuple):
    """Any later entry of a course."""

    course_id: str
    leaf: bytes


Fact = PatientEntry | PatientRegistered | CoursePlanned | CourseEntry


def events_of(record: type[Aggregate]) -> list[type]:
    """Every event class a record declares (each recorded event is one of them)."""
    return [cls for cls in vars(record).values()
            if isinstance(cls, type) and issubclass(cls, Aggregate.Event)]


FACTS: dict[type, Callable[[Change], Fact]] = {
    **dict.fromkeys(events_of(Patient), lambda change: PatientEntry(
        change.record_id, change.leaf_hash)),
    **dict.fromkeys(events_of(TreatmentCourse), lambda change: CourseEntry(
        change.record_id, change.leaf_hash)),
    Patient.Registered: lambda change: PatientRegistered(
        change.record_id, change.event.clinic, change.leaf_hash),
    TreatmentCourse.Planned: lambda change: CoursePlanned(
        change.record_id, str(change.event.patient_id), change.leaf_hash),
}
"""Which events this view takes (every entry of a patient or a course), and what each
contributes."""

# One write per statement per batch, in this order: a patient is registered (their row
# made) before their chain moves.
REGISTER = Insert("patient_chains", ("patient_id", "clinic", "entries", "digest"))
OWNER = Insert("chain_courses", ("course_id", "patient_id"))
CHAIN = "UPDATE patient_chains SET entries = ?, digest = ? WHERE patient_id = ?"


class PatientChains:
    name = "patient_chains"
    tables = ("patient_chains", "chain_courses")
    owners_remembered = 20_000

    def __init__(self) -> None:
        self._owners: LRUCache[str, str] = LRUCache(self.owners_remembered)

    def create(self, tx: ViewTransaction) -> None:
        self._owners = LRUCache(self.owners_remembered)  # a rebuild starts afresh
        tx.execute("CREATE TABLE IF NOT EXISTS patient_chains (patient_id TEXT PRIMARY KEY,"
                   " clinic TEXT NOT NULL, entries INTEGER NOT NULL, digest TEXT NOT NULL)")
        tx.execute("CREATE INDEX IF NOT EXISTS patient_chains_by_clinic"
                   " ON patient_chains (clinic, patient_id)")
        tx.execute("CREATE TABLE IF NOT EXISTS chain_courses (course_id TEXT PRIMARY KEY,"
                   " patient_id TEXT NOT NULL)")

    @staticmethod
    def facts(change: Change) -> Fact | None:
        """What the event contributes, by FACTS (None: nothing)."""
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list[Fact]) -> None:
        planned = [(f.course_id, f.patient_id) for f in facts if type(f) is CoursePlanned]
        registered = [(f.patient_id, f.clinic, 0, CHAIN_START.hex()) for f in facts
                      if type(f) is PatientRegistered]
        owners = self._owners_of(tx, planned, {f.course_id for f in facts
                                               if type(f) is CourseEntry})
        steps = [(f.patient_id if type(f) is not CourseEntry else owners.get(f.course_id),
                  f.leaf) for f in facts]
        chains = self._chains(tx, {patient for patient, _ in steps if patient})
        for patient, leaf in steps:
            if patient is not None:  # none for a course never planned
                chains[patient] = chains[patient].then(leaf)
        rows = [(chain.entries, chain.digest.hex(), patient) for patient, chain in chains.items()]
        write_all(tx, {REGISTER: registered, OWNER: planned, CHAIN: rows})

    def _owners_of(self, tx: ViewTransaction, planned: list[tuple[str, str]],
                   courses: set[str]) -> dict[str, str]:
        """The patient of each course: planned in this batch, remembered, or read."""
        owners = dict(planned)
        for course_id, patient_id in planned:
            self._owners.put(course_id, patient_id)
        unknown = []
        for course_id in courses - owners.keys():
            try:
                owners[course_id] = self._owners.get(course_id)
            except KeyError:
                unknown.append(course_id)
        for course_id, patient_id in rows_in(
                tx, "SELECT course_id, patient_id FROM chain_courses WHERE", "course_id",
                sorted(unknown)):
            owners[course_id] = patient_id
            self._owners.put(course_id, patient_id)
        return owners

    @staticmethod
    def _chains(tx: ViewTransaction, patients: set[str]) -> dict[str, PatientChain]:
        chains = dict.fromkeys(patients, PatientChain())
        for patient_id, entries, digest in rows_in(
                tx, "SELECT patient_id, entries, digest FROM patient_chains WHERE",
                "patient_id", sorted(patients)):
            chains[patient_id] = PatientChain(entries, bytes.fromhex(digest))
        return chains

    # --- queries ------------------------------------------------------------------------

    @staticmethod
    def patients_of(tx: ViewTransaction, clinic: str) -> list[UUID]:
        """Every patient of the clinic, by id."""
        return [UUID(patient_id) for patient_id, in tx.rows(
            "SELECT patient_id FROM patient_chains WHERE clinic = ? ORDER BY patient_id",
            (clinic,))]

    @staticmethod
    def all(tx: ViewTransaction) -> dict[UUID, PatientChain]:
        """Every patient's chain as the view holds it now."""
        return {UUID(patient_id): PatientChain(entries, bytes.fromhex(digest))
                for patient_id, entries, digest in tx.rows(
                    "SELECT patient_id, entries, digest FROM patient_chains")}
