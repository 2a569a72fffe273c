"""The demo clinics' staff accounts: the people who chart the demo patients, an auditor
and an admin per clinic, all signing in with one demo password (an admin also with the
second factor printed for them).

Each account's id derives from its e-mail, so the demo's entries name the accounts that
made them, and a nurse's supervisor is her clinic's clinician account.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.application import ClinicalRecords
from domain.errors import NotFoundError
from domain.values import Actor

DEMO_PASSWORD = "demo-mesotherapy-2026"
CLINIC_ADMIN = Actor("demo", "the demo loader", "admin")


def demo_actor(name: str, role: str, clinic: str) -> Actor:
    """A demo person as the entries they make name them: their account's id."""
    email = email_of(name, clinic)
    return Actor(str(uuid5(NAMESPACE_URL, f"mesoledger:demo-staff:{email}")), name, role)


def email_of(name: str, clinic: str) -> str:
    local = name.lower().removeprefix("dr ").removeprefix("nurse ").replace(" ", ".")
    return f"{local}@{clinic}.example.org"


def people(clinic: str, staff) -> list[tuple[Actor, str]]:
    """The clinic's demo staff who chart, and its auditor, with their e-mails."""
    auditor = demo_actor("Ines Duarte" if clinic == "clinic-a" else "Lars Berg", "auditor",
                         clinic)
    return [(actor, email_of(actor.name, clinic))
            for actor in (staff.clinician, staff.nurse, staff.receptionist, auditor)]


def register_demo_staff(records: ClinicalRecords, clinics: dict) -> Iterator[str]:
    """Open the accounts of the people who chart (no password yet) where missing."""
    for clinic, staff in clinics.items():
        for actor, email in people(clinic, staff):
            try:
                records.staff_by_email(email)
            except NotFoundError:
                records.register_staff(clinic, actor.name, email, [actor.role], CLINIC_ADMIN,
                                       staff_id=UUID(actor.id))
                yield f"{clinic} {actor.role:<12} account opened: {email}"


def sign_in_details(desk, clinics: dict) -> Iterator[str]:
    """Give every demo account the demo password (where it has none yet), open an admin per
    clinic, and say how each signs in."""
    accounts, credentials = desk.accounts, desk.credentials
    for clinic, staff in clinics.items():
        for actor, email in people(clinic, staff):
            if not credentials.has_password(UUID(actor.id)):
                accounts.set_password(UUID(actor.id), DEMO_PASSWORD, CLINIC_ADMIN)
            yield f"  {clinic} {actor.role:<12} {email}"
        admin = f"admin@{clinic}.example.org"
        if accounts.by_email(admin) is None:
            new = accounts.add(clinic, f"Admin of {clinic}", admin, ["admin"], DEMO_PASSWORD,
                               CLINIC_ADMIN)
            yield f"  {clinic} {'admin':<12} {admin}  (second factor: {new.totp_secret})"
    yield f"demo password for every account: {DEMO_PASSWORD}"
