"""What the directory takes from each event: the facts, and FACTS, which event gives which."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from domain.course import TreatmentCourse
from domain.patient import Patient
from domain.vocabulary import CourseStatus
from projections.base import Change


class Registered(NamedTuple):
    """A new patient; the name comes sealed, and is opened where the view is written."""

    patient_id: str
    sealed: str
    clinic: str
    mrn: str
    version: int = 1


class Renamed(NamedTuple):
    """The patient's personal data amended (sealed): perhaps a new name."""

    patient_id: str
    sealed: str
    version: int = 0


class Erased(NamedTuple):
    """The patient's personal data erased: the name goes, and with it the index entries."""

    patient_id: str


class Screened(NamedTuple):
    """The result of the patient's latest screening."""

    patient_id: str
    result: str
    version: int = 0


class Unrecorded(NamedTuple):
    """A screening or personal-data amendment voided: the one before it is back in force."""

    patient_id: str
    version: int
    kind: str


class CoursePlanned(NamedTuple):
    """A course opened for the patient."""

    course_id: str
    patient_id: str


class CourseStatusChanged(NamedTuple):
    """A course suspended, resumed, completed or discontinued."""

    course_id: str
    status: CourseStatus


Fact = Registered | Renamed | Erased | Screened | Unrecorded | CoursePlanned | CourseStatusChanged
SHOWN_KINDS = ("screening", "personal_data")  # what the directory shows of a patient's entries

STATUS_AFTER = {TreatmentCourse.Suspended: CourseStatus.SUSPENDED,
                TreatmentCourse.Resumed: CourseStatus.ACTIVE,
                TreatmentCourse.Completed: CourseStatus.COMPLETED,
                TreatmentCourse.Discontinued: CourseStatus.DISCONTINUED}

FACTS: dict[type, Callable[[Change], Fact]] = {
    Patient.Registered: lambda change: Registered(
        change.record_id, change.event.sealed_personal_data, change.event.clinic,
        change.event.mrn, change.event.originator_version),
    Patient.PersonalDataAmended: lambda change: Renamed(
        change.record_id, change.event.sealed_personal_data, change.event.originator_version),
    Patient.PersonalDataErased: lambda change: Erased(change.record_id),
    Patient.Screened: lambda change: Screened(change.record_id,
                                              change.event.screening.result,
                                              change.event.originator_version),
    Patient.EntryVoided: lambda change: Unrecorded(
        change.record_id, change.event.entry_version, change.event.entry_kind)
    if change.event.entry_kind in SHOWN_KINDS else None,
    TreatmentCourse.Planned: lambda change: CoursePlanned(change.record_id,
                                                          str(change.event.patient_id)),
    **dict.fromkeys(STATUS_AFTER, lambda change: CourseStatusChanged(
        change.record_id, STATUS_AFTER[type(change.event)])),
}
"""Which events this view takes, and what each contributes."""
