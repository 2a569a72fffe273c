"""Whose a patient's or course's record is: the patient it belongs to and their clinic.

Set when the record is created and never changed, so it is read once and then remembered:
deciding who may see a record costs no database read after the first request for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import LRUCache

from domain.application import ClinicalRecords
from domain.course import TreatmentCourse
from domain.errors import NotFoundError
from domain.patient import Patient


@dataclass(frozen=True)
class Owned:
    """A patient's or course's record and whose it is."""

    id: UUID
    patient_id: UUID
    clinic: str


class Owners:
    """Whose each record is, read through ClinicalRecords and remembered."""

    remembered = 100_000  # about 30 MB at most

    def __init__(self, records: ClinicalRecords) -> None:
        self.records = records
        self._owners: LRUCache[UUID, tuple[type, Owned]] = LRUCache(self.remembered)

    def of(self, kind: type[Patient | TreatmentCourse], record_id: UUID) -> Owned:
        """Whose patient or course this is (NotFoundError for an unknown id or a record of
        another kind)."""
        owned = self.known(kind, record_id)
        if owned is None:
            record = (self.records.patient if kind is Patient else self.records.course)(record_id)
            owned = Owned(record_id, getattr(record, "patient_id", record_id), record.clinic)
            self._owners.put(record_id, (kind, owned))
        return owned

    def known(self, kind: type[Patient | TreatmentCourse], record_id: UUID) -> Owned | None:
        """Whose record this is if already remembered (None: not yet read), without I/O."""
        try:
            found_kind, owned = self._owners.get(record_id)
        except KeyError:
            return None
        if found_kind is not kind:
            raise NotFoundError(f"no {kind.__name__} {record_id}")
        return owned
