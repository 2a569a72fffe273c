"""What awaits one person's signature, as the to-sign page shows it: whose record (name and
MRN, opened through the patient directory as the patient list does),
which entry and what it says, who made it and when, the meaning the signature would carry,
and the form's address. The list is the to_sign view's; what each entry says is read from
the store (the record, not the view, decides whether it may be signed)."""

from __future__ import annotations

from uuid import UUID

from api.http.auth import Caller
from api.web.wording import SIGNED_AS, entry_name, fields
from domain.application import ClinicalRecords
from infra.services import Services
from projections.base import ViewTransaction
from projections.history import details_of
from projections.patient_directory import PatientDirectory
from projections.staff_list import StaffList
from projections.to_sign import ToSign

SHOWN = 50
"""The oldest entries shown at once (the rest come as these are signed)."""
MEANING_WORDS = {
    "authorship": "author (I made this entry)",
    "review": "reviewer",
    "approval": "approver",
    "cosignature": "co-signature (supervising clinician)",
}
"""The meanings of a signature (domain.signatures.MEANINGS) in the clinic's words."""


def awaiting(
    tx: ViewTransaction, records: ClinicalRecords, directory: PatientDirectory, caller: Caller
) -> list[dict]:
    """The caller's entries to sign, oldest first, each ready for its form."""
    rows = ToSign.awaiting(tx, caller.id, caller.clinic)[:SHOWN]
    patients = directory.entries(tx, (row["patient_id"] for row in rows))
    names = (
        {m["staff_id"]: m["name"] for m in StaffList.of_clinic(tx, caller.clinic)} if rows else {}
    )
    return [_item(records, row, patients[row["patient_id"]], names) for row in rows]


def asks_code(services: Services, caller: Caller) -> bool:
    """Whether signing asks the caller's second-factor code too (enrolled accounts)."""
    try:
        staff_id = UUID(caller.id)
    except ValueError:
        return False
    return services.staff is not None and services.staff.sign_in.credentials.has_totp(staff_id)


def _item(records: ClinicalRecords, row: dict, patient: dict, names: dict[str, str]) -> dict:
    record_id, version = row["record_id"], row["version"]
    event = next(iter(records.events.get(UUID(record_id), gt=version - 1, lte=version)))
    details = details_of(event)
    if row["supervisor"] is not None:  # the entry keeps the id; the page names the person
        details["dose"]["supervisor"] = names.get(row["supervisor"], row["supervisor"])
    on_course = row["record_type"] == "TreatmentCourse"
    return row | {
        "mrn": patient["mrn"],
        "patient": patient["name"],
        "entry": entry_name(row["event_type"]),
        "says": fields(details),  # all of it, field by field: a signature binds the whole
        "when": row["occurred_at"][:16].replace("T", " "),
        "action": f"/{'courses' if on_course else 'patients'}/{record_id}/signatures",
        "link": f"/{'courses' if on_course else 'patients'}/{record_id}",
        "key": f"{record_id[:8]}-{version}",
        "meanings": [(m, MEANING_WORDS[m]) for m in _meanings_for(row["lacks"])],
    }


def _meanings_for(lacks: str) -> tuple[str, ...]:
    """The meaning it lacks first (preselected), then review and approval."""
    return (lacks, *(m for m in ("review", "approval") if m != lacks))


def standing_signatures(history: list[dict]) -> list[tuple[int, str]]:
    """The signatures not revoked in a history, as (version, words) for the revoke form."""
    return [
        (s["version"], f"{s['signer']['name']}, {SIGNED_AS[s['meaning']]} of entry {e['version']}")
        for e in history
        for s in e["signatures"]
        if not s["revoked"]
    ]
