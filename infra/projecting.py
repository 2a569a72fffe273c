"""Wiring: the catch-up runner over every projection, on the configured view database."""

from __future__ import annotations

from domain.application import ClinicalRecords
from infra.directory_keys import patient_directory
from infra.runner import CatchUpRunner
from infra.settings import Settings
from infra.table_setup import creating_tables
from infra.views import ViewDatabase
from projections.area_progress import AreaProgress
from projections.audit_trail import AuditTrail
from projections.lot_safety import LotSafety
from projections.merkle_log import MerkleLog
from projections.outcomes import Outcomes
from projections.patient_chains import PatientChains
from projections.staff_list import StaffList
from projections.to_sign import ToSign


def all_projections(records: ClinicalRecords, settings: Settings, views: ViewDatabase) -> list:
    return [ToSign(), AuditTrail(), MerkleLog(), patient_directory(records, settings, views),
            LotSafety(), AreaProgress(), PatientChains(), StaffList(), Outcomes()]


def open_runner(records: ClinicalRecords, settings: Settings) -> CatchUpRunner:
    views = ViewDatabase(settings.database_url, pool_size=settings.view_pool_size,
                         wait_seconds=settings.view_pool_wait_seconds)
    with creating_tables(views.database):
        return CatchUpRunner(records, views, all_projections(records, settings, views),
                             batch_size=settings.projection_batch_size)
