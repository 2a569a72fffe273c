"""Lists that may span clinics (a lot's exposures, a recall's call list) name a patient by
MRN and name only for the caller's own clinic: the sealed personal data opened through the
patient directory, as the patient list does. Another clinic's patient (a regulator's view)
stays its clinic and an opaque id."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from api.http.auth import Caller
from api.http.services import ServicesDep


def named_in_own_clinic(
    services: ServicesDep, caller: Caller, patients: Iterable[tuple[UUID | str, str]]
) -> dict[str, dict]:
    """The directory entries (MRN, name) of those (patient id, clinic) pairs that are of the
    caller's clinic, by patient id as text."""
    own = [patient_id for patient_id, clinic in patients if clinic == caller.clinic]
    if not own:
        return {}
    with services.views.transaction(write=False) as tx:
        return services.directory.entries(tx, own)
