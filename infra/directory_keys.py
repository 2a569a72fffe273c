"""Wiring: the patient directory with what it needs to open names and index them — the key
vault (the records') and the blind index's key, checked against the one the directory was
indexed under before anything is written."""

from __future__ import annotations

from domain.application import ClinicalRecords
from infra.keys import index_key
from infra.settings import Settings
from infra.views import ViewDatabase
from projections.patient_directory import PatientDirectory, unsealer

EXISTS = {True: "SELECT to_regclass('directory_search_key') IS NOT NULL",
          False: "SELECT count(*) FROM sqlite_master WHERE name = 'directory_search_key'"}


def recorded_index_key(views: ViewDatabase) -> str | None:
    """The id of the index key the directory is indexed under (None: not indexed yet)."""
    if not views.rows(EXISTS[views.is_postgres])[0][0]:
        return None
    rows = views.rows("SELECT key_id FROM directory_search_key")
    return rows[0][0] if rows else None


def patient_directory(records: ClinicalRecords, settings: Settings,
                      views: ViewDatabase) -> PatientDirectory:
    """The directory view; KeyMissingError if its index key is missing or another."""
    return PatientDirectory(unsealer(records.vault),
                            index_key(settings, recorded_index_key(views)))
