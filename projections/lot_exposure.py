"""lot_exposure: lot → every injection that used it (patient, course, area, session, date).

"Which patients received lot X" is a recall query: one indexed read by lot. An injection
voided later stays here, marked voided, and leaves the recall unless asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from eventsourcing.application import LRUCache

from domain.course import TreatmentCourse
from projections.base import Change, Insert, ViewTransaction, rows_in, write_all


class CourseOwner(NamedTuple):
    """Whose a course is: a `lot_courses` row."""

    course_id: str
    patient_id: str
    clinic: str


class Injection(NamedTuple):
    """An injection and the lots it used (each once)."""

    course_id: str
    version: int
    area: str
    laterality: str
    session: int
    injected_on: str
    lots: tuple[str, ...]


class Void(NamedTuple):
    """An entry of a course voided: if it was an injection, it leaves the recall."""

    course_id: str
    version: int


def _planned(change: Change) -> CourseOwner:
    event = change.event
    return CourseOwner(change.record_id, str(event.patient_id), event.clinic)


def _injected(change: Change) -> Injection:
    event = change.event
    dose = event.dose
    return Injection(change.record_id, event.originator_version, dose.site.area,
                     dose.site.laterality, dose.session, event.occurred_at.date().isoformat(),
                     tuple(dict.fromkeys(dose.lots)))


def _voided(change: Change) -> Void:
    return Void(change.record_id, change.event.entry_version)


FACTS: dict[type, Callable[[Change], CourseOwner | Injection | Void]] = {
    TreatmentCourse.Planned: _planned,
    TreatmentCourse.Injected: _injected,
    TreatmentCourse.EntryVoided: _voided,
}
"""Which events this view takes, and what each contributes."""

COLUMNS = ("lot", "patient_id", "clinic", "course_id", "injection_version", "area",
           "laterality", "session", "injected_on", "voided")
KEYS = (*COLUMNS[:-2], "date", "voided")

# One write per statement per batch, in this order: a course is planned before it is
# injected into, and an injection is recorded before it is voided.
PLAN = Insert("lot_courses", CourseOwner._fields)
INJECT = Insert("lot_exposure", COLUMNS)
VOID = "UPDATE lot_exposure SET voided = 1 WHERE course_id = ? AND injection_version = ?"


class LotExposure:
    """Every injection by the lots it used, for recalls of a contaminated or faulty lot."""

    name = "lot_exposure"
    tables = ("lot_exposure", "lot_courses")
    owners_remembered = 20_000  # about 4 MB
    """Whose a course is never changes, so it is read once per course, not once per batch."""

    def __init__(self) -> None:
        self._remembered: LRUCache[str, tuple[str, str]] = LRUCache(self.owners_remembered)

    def create(self, tx: ViewTransaction) -> None:
        self._remembered = LRUCache(self.owners_remembered)  # a rebuild starts afresh
        tx.execute("CREATE TABLE IF NOT EXISTS lot_courses (course_id TEXT PRIMARY KEY,"
                   " patient_id TEXT NOT NULL, clinic TEXT NOT NULL)")
        tx.execute("CREATE TABLE IF NOT EXISTS lot_exposure (lot TEXT NOT NULL,"
                   " patient_id TEXT NOT NULL, clinic TEXT NOT NULL, course_id TEXT NOT NULL,"
                   " injection_version INTEGER NOT NULL, area TEXT NOT NULL,"
                   " laterality TEXT NOT NULL, session INTEGER NOT NULL,"
                   " injected_on TEXT NOT NULL, voided INTEGER NOT NULL,"
                   " PRIMARY KEY (course_id, injection_version, lot))")
        tx.execute("CREATE INDEX IF NOT EXISTS lot_exposure_by_lot"
                   " ON lot_exposure (lot, injected_on, patient_id)")

    @staticmethod
    def facts(change: Change) -> CourseOwner | Injection | Void | None:
        """What the event contributes, by FACTS (None: nothing)."""
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list[CourseOwner | Injection | Void]) -> None:
        planned, injections, voids = [], [], []
        of_kind = {CourseOwner: planned, Injection: injections, Void: voids}
        for fact in facts:
            of_kind[type(fact)].append(fact)
        owners = self._owners(tx, planned, injections)
        exposures = []
        for course_id, version, area, laterality, session, injected_on, lots in injections:
            owner = owners.get(course_id)  # none for a course never planned
            if owner is not None:
                exposures += [(lot, *owner, course_id, version, area, laterality, session,
                               injected_on, 0) for lot in lots]
        write_all(tx, {PLAN: planned, INJECT: exposures, VOID: voids})

    def _owners(self, tx: ViewTransaction, planned: list[CourseOwner],
                injections: list[Injection]) -> dict[str, tuple[str, str]]:
        """Patient and clinic of each injected course: planned in this batch, remembered,
        or read."""
        owners = {course_id: (patient_id, clinic) for course_id, patient_id, clinic in planned}
        for course_id, owner in owners.items():
            self._remembered.put(course_id, owner)
        unknown = set()
        for course_id in {injection.course_id for injection in injections} - owners.keys():
            try:
                owners[course_id] = self._remembered.get(course_id)
            except KeyError:
                unknown.add(course_id)
        for course_id, patient_id, clinic in rows_in(
                tx, "SELECT course_id, patient_id, clinic FROM lot_courses WHERE",
                "course_id", sorted(unknown)):
            owners[course_id] = (patient_id, clinic)
            self._remembered.put(course_id, owners[course_id])
        return owners

    # --- queries ------------------------------------------------------------------------

    @staticmethod
    def exposures(tx: ViewTransaction, lot: str, clinic: str | None = None,
                  include_voided: bool = False) -> list[dict]:
        """Every injection that used the lot (in one clinic, if named), by date then patient.

        Voided injections are left out unless `include_voided`; each row says if it was.
        """
        clauses, params = ["lot = ?"], [lot]
        if clinic is not None:
            clauses.append("clinic = ?")
            params.append(clinic)
        if not include_voided:
            clauses.append("voided = 0")
        rows = tx.rows(f"SELECT {', '.join(COLUMNS)} FROM lot_exposure"
                       f" WHERE {' AND '.join(clauses)}"
                       " ORDER BY injected_on, patient_id, course_id, injection_version",
                       params)
        return [dict(zip(KEYS, (*row[:-1], bool(row[-1])), strict=True)) for row in rows]
