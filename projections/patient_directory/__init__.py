"""patient_directory: each clinic's patients, names sealed, found through a blind index."""

from projections.patient_directory.view import (
    FACTS,
    IndexKeyChangedError,
    PatientDirectory,
    WordHasher,
    unsealer,
)

__all__ = ["FACTS", "IndexKeyChangedError", "PatientDirectory", "WordHasher", "unsealer"]
