"""Wiring: the catch-up runner over every projection, on the configured view database."""

from __future__ import annotations

from domain.application import ClinicalRecords
from infra.runner import CatchUpRunner
from infra.settings import Settings
from infra.views import ViewDatabase
from projections.audit_trail import AuditTrail
from projections.merkle_log import MerkleLog


def all_projections(records: ClinicalRecords) -> list:
    return [AuditTrail(), MerkleLog()]


def open_runner(records: ClinicalRecords, settings: Settings) -> CatchUpRunner:
    return CatchUpRunner(records, ViewDatabase(settings.database_url),
                         all_projections(records))
