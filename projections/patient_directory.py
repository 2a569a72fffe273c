"""patient_directory: each clinic's patients — MRN, name, screening status, active courses.

Drives lists and search. Names are unsealed with the patient's key while the view is built;
once the key is destroyed, a rebuild shows "[erased]" and the name is no longer searchable.
Search stays within one clinic: by exact MRN and by name prefix in any case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from uuid import UUID

from domain.course import TreatmentCourse
from domain.patient import Patient
from domain.personal_data import ERASED, KeyVault, PersonalData, PersonalDataErasedError, unseal
from domain.vocabulary import CourseStatus
from projections.base import Change, Insert, Statement, ViewTransaction, write_all

Unseal = Callable[[UUID, str], PersonalData | None]
"""Opens a patient's sealed personal data; None (or PersonalDataErasedError) once erased."""

UNSCREENED = "unscreened"
COLUMNS = ("patient_id", "clinic", "mrn", "name", "status", "active_courses")
COURSE_STATUS = {TreatmentCourse.Suspended: CourseStatus.SUSPENDED,
                 TreatmentCourse.Resumed: CourseStatus.ACTIVE,
                 TreatmentCourse.Completed: CourseStatus.COMPLETED,
                 TreatmentCourse.Discontinued: CourseStatus.DISCONTINUED}

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
NAMED: dict[str, Statement] = {
    "register": REGISTER, "rename": RENAME, "erase": RENAME, "screen": SCREEN, "plan": PLAN,
    "open_course": OPEN_COURSE, "close_course": CLOSE_COURSE, "set_status": SET_STATUS}
"""The statements by the names events' facts give them (a name the facts cannot hold: they
are made where the log is read, and a statement object would travel with each row)."""


def _registered(patient_id: str, event: Patient.Registered) -> list[tuple[str, tuple]]:
    return [("register", (patient_id, event.sealed_personal_data, event.clinic, event.mrn))]


def _amended(patient_id: str, event: Patient.PersonalDataAmended) -> list[tuple[str, tuple]]:
    return [("rename", (patient_id, event.sealed_personal_data))]


def _erased(patient_id: str, _: Patient.PersonalDataErased) -> list[tuple[str, tuple]]:
    return [("erase", (ERASED, "", patient_id))]


def _screened(patient_id: str, event: Patient.Screened) -> list[tuple[str, tuple]]:
    return [("screen", (event.screening.result, patient_id))]


def _planned(course_id: str, event: TreatmentCourse.Planned) -> list[tuple[str, tuple]]:
    patient_id = str(event.patient_id)
    return [("plan", (course_id, patient_id, CourseStatus.ACTIVE)), ("open_course", (patient_id,))]


def _status_changed(course_id: str, event: TreatmentCourse.StatusChanged
                    ) -> list[tuple[str, tuple]]:
    status = COURSE_STATUS[type(event)]
    closing = [("close_course", (course_id,))] if not status.is_open else []
    return [*closing, ("set_status", (status, course_id))]


WRITES = {Patient.Registered: _registered, Patient.PersonalDataAmended: _amended,
          Patient.PersonalDataErased: _erased, Patient.Screened: _screened,
          TreatmentCourse.Planned: _planned, **dict.fromkeys(COURSE_STATUS, _status_changed)}
"""What each kind of event writes to the directory."""


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
    def facts(change: Change) -> list[tuple[str, tuple]] | None:
        """The writes an event makes, each as (statement name, row); a name comes sealed."""
        writes = WRITES.get(type(change.event))
        return None if writes is None else writes(change.record_id, change.event)

    def apply(self, tx: ViewTransaction, facts: list[list[tuple[str, tuple]]]) -> None:
        writes: dict[Statement, list[tuple]] = {statement: [] for statement in STATEMENTS}
        for writes_of_one_event in facts:
            for statement, row in writes_of_one_event:
                if statement == "register":  # (patient id, sealed, clinic, mrn)
                    row = (row[0], row[2], row[3], *self._name(row[0], row[1]), UNSCREENED, 0)
                elif statement == "rename":  # (patient id, sealed)
                    row = (*self._name(row[0], row[1]), row[0])
                writes[NAMED[statement]].append(row)
        write_all(tx, writes)

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
