"""How the clinic's records are kept: loaded as stored now, saved in one transaction
(relying on what a decision read), and a use case run again when its save meets a
concurrent change. ClinicalRecords (domain/application.py) builds its use cases on this."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, RecordConflictError

from domain.clinical_time import clinical_time, explain_late_entry
from domain.corrections import EntryMade
from domain.errors import NotFoundError, RecordBusyError, RecordChangedError, StaleVersionError
from domain.patient import Patient
from domain.patient_history import OutdatedSnapshotError
from domain.personal_data import KeyVault, PersonalData, unseal
from domain.recall import RecallsInForce
from domain.standing import PatientStanding
from domain.transcodings import register_transcodings
from domain.values import ClinicPolicy

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Recorded:
    """What a write returns: the record's id, its new version and the log position."""

    id: UUID
    version: int
    position: int


def retried(use_case: Callable[..., Recorded]) -> Callable[..., Recorded]:
    """A use case run again on fresh state while its save meets a concurrent change (see
    RecordKeeping._retried)."""
    @functools.wraps(use_case)
    def run(records: RecordKeeping, *args: Any, **kwargs: Any) -> Recorded:
        return records._retried(use_case, *args, **kwargs)
    return run


class RecordKeeping(Application):
    """Load, save and retry, for the use cases of a subclass."""

    attempts_on_conflict = 5
    vault: KeyVault
    clock: Callable[[], datetime]
    policy: ClinicPolicy

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def close(self) -> None:
        super().close()
        self.vault.close()

    # --- load and save ------------------------------------------------------------------

    def _retried(self, use_case: Callable[..., Recorded], *args: Any, **kwargs: Any
                 ) -> Recorded:
        """Run the use case; while its save meets a concurrent change, again on fresh state
        (at most `attempts_on_conflict` times, then RecordBusyError). A caller that named
        the version it expects resolves a change to that record itself (StaleVersionError)."""
        for _ in range(self.attempts_on_conflict):
            try:
                return use_case(self, *args, **kwargs)
            except RecordChangedError:
                continue
            except RecordConflictError:
                expected = inspect.signature(use_case).bind(self, *args, **kwargs).arguments
                if expected.get("expected_version") is not None:
                    version = expected["expected_version"]
                    raise StaleVersionError(version, version + 1) from None
        raise RecordBusyError(f"{args[0]} kept changing over {self.attempts_on_conflict}"
                              " attempts")

    def _current(self, kind: type[A], aggregate_id: UUID, expected_version: int | None) -> A:
        """The record as stored now, if at the expected version (when one is given)."""
        record = self._get(kind, aggregate_id)
        if expected_version is not None and record.version != expected_version:
            raise StaleVersionError(expected_version, record.version)
        return record

    def _standing_of(self, patient_id: UUID) -> PatientStanding:
        """What a course entry needs to know about its patient, as stored now."""
        return self._get(Patient, patient_id).standing()

    def _save(self, *aggregates: Aggregate, relying_on: PatientStanding | None = None,
              explained: str | None = None, recalls: RecallsInForce | None = None) -> Recorded:
        """Save the aggregates' new events in one transaction; `relying_on` a standing,
        only while the patient is still at its version (else RecordChangedError, and
        nothing is saved); `explained` by a late-entry reason, written into each entry.
        `recalls`: only while no recall of the lots it read has been recorded meanwhile.
        Returns the first aggregate's new version and log position."""
        for aggregate in aggregates:
            explain_late_entry(aggregate, explained)
        unchanged = {relying_on.patient_id: relying_on.version} if relying_on else {}
        unchanged |= recalls.versions if recalls else {}
        recordings = self.save(*aggregates, unchanged=unchanged)
        last = recordings[-1].notification.id if recordings else 0
        return Recorded(aggregates[0].id, aggregates[0].version, last)

    def _get(self, kind: type[A], aggregate_id: UUID, as_of: datetime | None = None) -> A:
        try:
            if as_of is None:
                aggregate = self._stored(aggregate_id)
            else:
                events = (e for e in self.events.get(aggregate_id) if e.timestamp <= as_of)
                aggregate = project_aggregate(None, events)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}")
        return aggregate

    def _stored(self, aggregate_id: UUID) -> Aggregate:
        """The record as stored now; rebuilt from its events when its latest snapshot was
        taken before records kept clinical times."""
        try:
            return self.repository.get(aggregate_id)
        except OutdatedSnapshotError:
            return project_aggregate(None, self.events.get(aggregate_id))

    def take_snapshot(self, aggregate_id: UUID, version: int | None = None) -> None:
        """A snapshot of the record at a version, rebuilt from its events when an outdated
        snapshot is in the way."""
        try:
            super().take_snapshot(aggregate_id, version)
        except OutdatedSnapshotError:
            aggregate = project_aggregate(None, self.events.get(aggregate_id, lte=version))
            self.snapshots.put([type(aggregate).Snapshot.take(aggregate)])

    def _made(self, record: Aggregate, version: int) -> EntryMade | None:
        """Who made the record's entry of that version and when the server recorded it, for
        a void's rights (None: the record has no such entry)."""
        if not 1 <= version <= record.version:
            return None
        for entry in self.events.get(record.id, gt=version - 1, lte=version):
            actor = getattr(entry, "actor", None)
            return actor and EntryMade(actor.id, entry.timestamp)
        return None

    def _unseal(self, patient: Patient) -> PersonalData:
        return unseal(self.vault.key_for(patient.id), patient.id, patient.sealed_personal_data)

    def _when(self, occurred_at: datetime | None, late_entry_reason: str | None) -> datetime:
        """The entry's clinical time, judged against the clinic's late-entry windows."""
        return clinical_time(occurred_at, late_entry_reason, self.clock(),
                             self.policy.late_entries)
