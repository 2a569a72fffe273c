"""Everything a running server holds: the records, the views and their runner, integrity,
the access log, idempotency keys and the token keys. Opened once, closed once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from domain.application import ClinicalRecords
from infra.checkpoint_cadence import CheckpointCadence
from infra.idempotency import IdempotencyKeys
from infra.integrity import Integrity, open_integrity
from infra.owners import Owners
from infra.projecting import open_runner
from infra.recorded_staff import RecordedStaff
from infra.records import open_records
from infra.runner import CatchUpRunner
from infra.settings import Settings
from infra.staff_desk import StaffDesk, open_staff_desk
from infra.table_setup import creating_tables
from infra.tokens import TokenKeys
from infra.verification_runs import Verifications
from projections.access_log import AccessEntry, AccessLog
from projections.audit_trail import AuditTrail
from projections.patient_directory import PatientDirectory


class ViewsBehindError(Exception):
    """The views have not reached the asked-for log position within the read wait."""


@dataclass
class Services:
    settings: Settings
    records: ClinicalRecords
    runner: CatchUpRunner
    integrity: Integrity
    idempotency: IdempotencyKeys
    tokens: TokenKeys
    clock: Callable[[], datetime]
    owners: Owners
    staff: StaffDesk | None = None  # staff accounts and sign-in (infra/staff_desk.py)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    verifications: Verifications = field(init=False)  # verify in the background, one at a time

    def __post_init__(self) -> None:
        self.verifications = Verifications(self.integrity, self.settings.witnesses_needed,
                                           self.clock)

    @property
    def views(self):
        return self.runner.views

    @property
    def directory(self) -> PatientDirectory:
        """The patient directory view, which opens sealed names for the page it returns."""
        return self.runner.projections[PatientDirectory.name]

    def record_access(self, entries: list[AccessEntry]) -> None:
        """Commit who read what before the data is returned."""
        with self.views.transaction() as tx:
            AccessLog.record(tx, entries)

    def log_position(self) -> int:
        """The position of the last event recorded (what a fresh view must reach)."""
        return self.records.recorder.max_notification_id() or 0

    def wait_for_views(self, position: int) -> None:
        """Return once every view includes `position` (ViewsBehindError after the wait)."""
        if not self.runner.wait_for(position, timeout=self.settings.read_wait_seconds):
            raise ViewsBehindError(f"the views have not reached position {position} yet")

    def wait_for_log(self) -> None:
        """Return once every view includes everything recorded so far."""
        self.wait_for_views(self.log_position())

    def last_entry_at(self, patient_id: UUID) -> datetime | None:
        """When the patient's records last changed (the records' PatientActivity, asked for
        an erasure): from the audit trail, once it includes everything recorded so far."""
        self.wait_for_log()
        with self.views.transaction(write=False) as tx:
            return AuditTrail.last_entry_at(tx, str(patient_id))

    def settle_views(self, timeout: float = 10.0) -> bool:
        """Bring every view to the end of the log: catch up here under the runner lock if
        no runner holds it, else let the active runner do it. False if neither did in time.

        The lock is tried briefly and the views checked between tries, so an idle store does
        not wait for a runner that is not there, nor a busy one for the whole timeout."""

        def alarm(seconds: float) -> tuple[threading.Event, threading.Timer]:
            rings = threading.Event()
            timer = threading.Timer(seconds, rings.set)
            timer.daemon = True
            timer.start()
            return rings, timer

        end, (give_up, deadline) = self.log_position(), alarm(timeout)
        try:
            while not self.runner.wait_for(end, timeout=0):
                if give_up.is_set():
                    return False
                with self.runner.lock.held(alarm(0.5)[0]) as active:
                    if active:
                        self.runner.catch_up()
                        return True
                self.runner.wait_for(end, timeout=0.5)
            return True
        finally:
            deadline.cancel()

    def start_projections(self) -> None:
        """Run the catch-up runner in this process (it stands by if a worker holds the lock),
        and sign checkpoints on the settings' cadence."""
        self._thread = threading.Thread(target=self.runner.run, args=(self._stop,),
                                        name="projections", daemon=True)
        self._thread.start()
        CheckpointCadence(self.integrity, self.settings.checkpoint_every_events,
                          self.settings.checkpoint_every_seconds).start(self._stop)

    def stop_projections(self) -> None:
        """Stop the in-process runner (before a rebuild, which needs the runner lock)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def close(self) -> None:
        self.stop_projections()
        if self.staff is not None:
            self.staff.close()
        self.views.close()
        self.records.close()


def open_services(settings: Settings, clock: Callable[[], datetime] | None = None) -> Services:
    now = clock or (lambda: datetime.now(UTC))
    records = open_records(settings, clock=clock)
    runner = open_runner(records, settings)
    with creating_tables(runner.views.database):
        with runner.views.transaction() as tx:
            AccessLog.create(tx, postgres=runner.views.is_postgres)
        integrity, idempotency = open_integrity(runner, settings), IdempotencyKeys(runner.views)
    tokens = TokenKeys.from_settings(settings, RecordedStaff(records))
    services = Services(settings, records, runner, integrity, idempotency, tokens, now,
                        Owners(records),
                        open_staff_desk(settings, records, runner.views, tokens, now))
    records.activity = services
    return services
