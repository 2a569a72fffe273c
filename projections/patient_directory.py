"""patient_directory: each clinic's patients — MRN, name, screening status, active courses.

Drives lists and search. Names are unsealed with the patient's key while the view is built;
once the key is destroyed, a rebuild shows "[erased]" and the name is no longer searchable.
Search stays within one clinic: by exact MRN and by name prefix in any case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import NamedTuple
from uuid import UUID

from domain.course import TreatmentCourse
from domain.patient import Patient
from domain.personal_data import ERASED, KeyVault, PersonalData, PersonalDataErasedError, unseal
from domain.vocabulary import CourseStatus
from projections.base import Change, Insert, Statement, ViewTransaction, write_all

Unseal = Callable[[UUID, str], PersonalData | None]
"""Opens a patient's sealed personal data; None (or PersonalDataErasedError) once erased."""


class Registered(NamedTuple):
    """A new patient; the name comes sealed, and is opened where the view is written."""

    patient_id: str
    sealed: str
    clinic: str
    mrn: str


class Renamed(NamedTuple):
    """The patient's personal data amended (sealed): perhaps a new name."""

    patient_id: str
    sealed: str


class Erased(NamedTuple):
    """The patient's personal data erased: the name goes."""

    patient_id: str


class Screened(NamedTuple):
    """The result of the patient's latest screening."""

    patient_id: str
    result: str


class CoursePlanned(NamedTuple):
    """A course opened for the patient."""

    course_id: str
    patient_id: str


class CourseStatusChanged(NamedTuple):
    """A course suspended, resumed, completed or discontinued."""

    course_id: str
    status: CourseStatus


Fact = Registered | Renamed | Erased | Screened | CoursePlanned | CourseStatusChanged

STATUS_AFTER = {TreatmentCourse.Suspended: CourseStatus.SUSPENDED,
                TreatmentCourse.Resumed: CourseStatus.ACTIVE,
                TreatmentCourse.Completed: CourseStatus.COMPLETED,
                TreatmentCourse.Discontinued: CourseStatus.DISCONTINUED}

FACTS: dict[type, Callable[[Change], Fact]] = {
    Patient.Registered: lambda change: Registered(
        change.record_id, change.event.sealed_personal_data, change.event.clinic,
        change.event.mrn),
    Patient.PersonalDataAmended: lambda change: Renamed(
        change.record_id, change.event.sealed_personal_data),
    Patient.PersonalDataErased: lambda change: Erased(change.record_id),
    Patient.Screened: lambda change: Screened(change.record_id,
                                              change.event.screening.result),
    TreatmentCourse.Planned: lambda change: CoursePlanned(change.record_id,
                                                          str(change.event.patient_id)),
    **dict.fromkeys(STATUS_AFTER, lambda change: CourseStatusChanged(
        change.record_id, STATUS_AFTER[type(change.event)])),
}
"""Which events this view takes, and what each contributes."""

UNSCREENED = "unscreened"
COLUMNS = ("patient_id", "clinic", "mrn", "name", "status", "active_courses")

# One write per statement per batch, in this order. Rows of one statement keep log order;
# the statements commute otherwise: they set different columns, counts are sums, and a
# course closes at most once (completed and discontinued are final).
REGISTER = Insert("patient_directory", ("patient_id", "clinic", "mrn", "name", "search_name",
                                        "status", "active_courses"))
RENAME = "UPDATE patient_directory SET name = ?, search_name = ? WHERE patient_id = ?"
SCREEN = "UPDATE patient_directory SET status = ? WHERE patient_id = ?"
PLAN = Insert("directory_courses", ("course_id", "patient_id", "status"))
OPEN_COURSE = ("UPDATE patient_directory SET active_courses = active_courses + 1"
               " WHERE patient_id = ?")
CLOSE_COURSE = ("UPDATE patient_directory SET active_courses = active_courses - 1"
                " WHERE patient_id = (SELECT patient_id FROM directory_courses"
                " WHERE course_id = ? AND status IN ('active', 'suspended'))")
SET_STATUS = "UPDATE directory_courses SET status = ? WHERE course_id = ?"
STATEMENTS = (REGISTER, RENAME, SCREEN, PLAN, OPEN_COURSE, CLOSE_COURSE, SET_STATUS)


def unsealer(vault: KeyVault) -> Unseal:
    """Open sealed personal data with the patient's key from the vault."""

    def open_sealed(patient_id: UUID, sealed: str) -> PersonalData:
        return unseal(vault.key_for(patient_id), patient_id, sealed)

    return open_sealed


def search_key(text: str) -> str:
    """The form names are matched in: composed Unicode, case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def like_prefix(prefix: str) -> str:
    escaped = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"{escaped}%"


class PatientDirectory:
    """Per clinic: every patient's MRN, name, latest screening result and open courses."""

    name = "patient_directory"
    tables = ("patient_directory", "directory_courses")

    def __init__(self, unseal_data: Unseal) -> None:
        self.unseal_data = unseal_data

    def create(self, tx: ViewTransaction) -> None:
        tx.execute("CREATE TABLE IF NOT EXISTS patient_directory (patient_id TEXT PRIMARY KEY,"
                   " clinic TEXT NOT NULL, mrn TEXT NOT NULL, name TEXT NOT NULL,"
                   " search_name TEXT NOT NULL, status TEXT NOT NULL,"
                   " active_courses INTEGER NOT NULL)")
        tx.execute("CREATE INDEX IF NOT EXISTS directory_by_mrn"
                   " ON patient_directory (clinic, mrn)")
        tx.execute("CREATE INDEX IF NOT EXISTS directory_by_name"
                   " ON patient_directory (clinic, search_name)")
        tx.execute("CREATE TABLE IF NOT EXISTS directory_courses (course_id TEXT PRIMARY KEY,"
                   " patient_id TEXT NOT NULL, status TEXT NOT NULL)")

    @staticmethod
    def facts(change: Change) -> Fact | None:
        """What the event contributes, by FACTS (None: nothing)."""
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list[Fact]) -> None:
        writes: dict[Statement, list[tuple]] = {statement: [] for statement in STATEMENTS}
        for fact in facts:
            for statement, row in self._writes(fact):
                writes[statement].append(row)
        write_all(tx, writes)

    def _writes(self, fact: Fact) -> list[tuple[Statement, tuple]]:
        """The rows one fact writes, each with its statement."""
        match fact:
            case Registered(patient_id, sealed, clinic, mrn):
                name = self._name(patient_id, sealed)
                return [(REGISTER, (patient_id, clinic, mrn, *name, UNSCREENED, 0))]
            case Renamed(patient_id, sealed):
                return [(RENAME, (*self._name(patient_id, sealed), patient_id))]
            case Erased(patient_id):
                return [(RENAME, (ERASED, "", patient_id))]
            case Screened(patient_id, result):
                return [(SCREEN, (result, patient_id))]
            case CoursePlanned(course_id, patient_id):
                return [(PLAN, (course_id, patient_id, CourseStatus.ACTIVE)),
                        (OPEN_COURSE, (patient_id,))]
            case CourseStatusChanged(course_id, status):
                closing = [] if status.is_open else [(CLOSE_COURSE, (course_id,))]
                return [*closing, (SET_STATUS, (status, course_id))]
        raise TypeError(f"not a fact of the patient directory: {fact!r}")

    def _name(self, patient_id: str, sealed: str) -> tuple[str, str]:
        """The name and its search key; "[erased]" (found by no name) once the key is gone."""
        try:
            personal = self.unseal_data(UUID(patient_id), sealed)
        except PersonalDataErasedError:
            personal = None
        return (ERASED, "") if personal is None else (personal.name, search_key(personal.name))

    # --- queries ------------------------------------------------------------------------

    @staticmethod
    def search(tx: ViewTransaction, clinic: str | None, mrn: str | None = None,
               name_prefix: str | None = None, limit: int = 50) -> list[dict]:
        """One clinic's (None: every clinic's) patients with this exact MRN and/or a name
        starting so (any case)."""
        clauses, params = ["1 = 1"], []
        if clinic is not None:
            clauses.append("clinic = ?")
            params.append(clinic)
        if mrn is not None:
            clauses.append("mrn = ?")
            params.append(mrn)
        if name_prefix is not None:
            clauses.append("search_name LIKE ? ESCAPE '!'")
            params.append(like_prefix(search_key(name_prefix)))
        rows = tx.rows(f"SELECT {', '.join(COLUMNS)} FROM patient_directory"
                       f" WHERE {' AND '.join(clauses)} ORDER BY search_name, mrn LIMIT ?",
                       (*params, limit))
        return [dict(zip(COLUMNS, row, strict=True)) for row in rows]

    @staticmethod
    def entry(tx: ViewTransaction, patient_id: UUID | str) -> dict | None:
        """One patient's directory entry, or None if no such patient is registered."""
        row = tx.one(f"SELECT {', '.join(COLUMNS)} FROM patient_directory"
                     " WHERE patient_id = ?", (str(patient_id),))
        return dict(zip(COLUMNS, row, strict=True)) if row else None
