"""Who may do what: the one table of roles (DESIGN §4). Routes name a permission only."""

from __future__ import annotations

from enum import StrEnum

CLINICAL_STAFF = frozenset({"clinician", "nurse"})
CLINICAL_READERS = frozenset({"clinician", "nurse", "auditor", "regulator"})
FRONT_DESK = frozenset({"clinician", "receptionist"})
OVERSIGHT = frozenset({"auditor", "regulator"})
EVERYONE = frozenset({"clinician", "nurse", "receptionist", "auditor", "regulator"})


class Permission(StrEnum):
    REGISTER_PATIENTS = "register patients and correct their personal data"
    RECORD_CONSENTS = "record and withdraw consents"
    SEARCH_DIRECTORY = "search the patient directory"
    SCREEN = "screen patients and record allergies and conditions"
    PLAN_AND_FORMULATE = "plan courses, formulate, change status"
    VOID = "void entries (a nurse: her own, within 24 hours of recording them)"
    TREAT = "record injections, outcomes and adverse events"
    READ_CLINICAL = "read patient records, courses, progress and history"
    READ_LOTS = "trace the patients exposed to a lot"
    RECALL_LOTS = "recall a lot (a clinician: in the clinic; a regulator: in every clinic)"
    CONTACT_EXPOSED = "record that a patient exposed to a recalled lot was contacted"
    READ_SIGNALS = "read safety signals by product and lot"
    READ_OUTCOMES = "read the outcomes registry and the protocols"
    READ_AUDIT = "read the audit trail and the access log"
    READ_INTEGRITY = "read checkpoints and the public key"
    VERIFY = "verify the whole store"
    EXPORT = "export a patient's history with its proofs"
    EXPORT_CLINIC = "export a whole clinic for an inspection"
    ERASE = "erase a patient's personal data after the retention period"
    MANAGE_STAFF = "manage the staff accounts of their clinic"
    READ_SIGN_INS = "read the sign-in log"
    SIGN = "sign entries, revoke signatures, read their to-sign queue"
    READ_UNSIGNED = "list the entries left unsigned"


GRANTS: dict[Permission, frozenset[str]] = {
    Permission.REGISTER_PATIENTS: FRONT_DESK,
    Permission.RECORD_CONSENTS: FRONT_DESK,
    Permission.SEARCH_DIRECTORY: EVERYONE,
    Permission.SCREEN: frozenset({"clinician"}),
    Permission.PLAN_AND_FORMULATE: frozenset({"clinician"}),
    Permission.TREAT: CLINICAL_STAFF,
    Permission.VOID: CLINICAL_STAFF,
    Permission.READ_CLINICAL: CLINICAL_READERS,
    Permission.READ_LOTS: frozenset({"clinician", "auditor", "regulator"}),
    Permission.RECALL_LOTS: frozenset({"clinician", "regulator"}),
    Permission.CONTACT_EXPOSED: CLINICAL_STAFF,
    Permission.READ_SIGNALS: frozenset({"clinician", "auditor", "regulator"}),
    Permission.READ_OUTCOMES: CLINICAL_READERS,
    Permission.READ_AUDIT: OVERSIGHT,
    Permission.READ_INTEGRITY: EVERYONE,
    Permission.VERIFY: OVERSIGHT,
    Permission.EXPORT: OVERSIGHT | {"clinician"},
    Permission.EXPORT_CLINIC: OVERSIGHT,
    Permission.ERASE: frozenset({"clinician"}),
    Permission.MANAGE_STAFF: frozenset({"admin"}),
    Permission.READ_SIGN_INS: frozenset({"auditor", "admin", "regulator"}),
    Permission.SIGN: CLINICAL_STAFF,
    Permission.READ_UNSIGNED: OVERSIGHT,
}


def may(role: str, permission: Permission) -> bool:
    return role in GRANTS[permission]
