"""Staff accounts as the command line, the HTTP API and sign-in use them: the account's
events through ClinicalRecords, its secrets through the credential store, in that order of
trust (a password is checked against the rules before anything is recorded).

`StaffStatus` is the whole of what others need to know of an account (sign-in, OpenID
Connect, signatures, the web app): id, clinic, printed name, e-mail, roles, active.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from domain.application import ClinicalRecords
from domain.errors import InvalidEntry, NotFoundError
from domain.passwords import require_strong_password
from domain.record_keeping import Recorded
from domain.staff import SECOND_FACTOR_ROLES, StaffMember, normalise_email
from domain.values import Actor, require_name
from infra.credentials import CredentialStore
from infra.staff_sessions import StaffSessions


@dataclass(frozen=True)
class StaffStatus:
    id: UUID
    clinic: str
    name: str
    email: str
    roles: tuple[str, ...]
    active: bool
    second_factor: bool

    @classmethod
    def of(cls, member: StaffMember) -> StaffStatus:
        return cls(member.id, member.clinic, member.name, member.email, tuple(member.roles),
                   member.active, member.second_factor)

    def holds(self, role: str) -> bool:
        """May the account act in this role now (active, and the role granted)?"""
        return self.active and role in self.roles

    def actor(self, role: str | None = None) -> Actor:
        return Actor(str(self.id), self.name, role or self.roles[0])


@dataclass(frozen=True)
class NewAccount:
    recorded: Recorded
    totp_secret: str | None  # shown once, for the person's authenticator app


class StaffAccounts:
    def __init__(self, records: ClinicalRecords, credentials: CredentialStore,
                 sessions: StaffSessions) -> None:
        self.records, self.credentials, self.sessions = records, credentials, sessions

    # --- lookups (cheap: one read of the account's new events, if any) ----------------

    def status(self, staff_id: UUID | str) -> StaffStatus | None:
        """The account as stored now, or None if `staff_id` names none."""
        try:
            return StaffStatus.of(self.records.staff_member(UUID(str(staff_id))))
        except (ValueError, NotFoundError):
            return None

    def by_email(self, email: str) -> StaffStatus | None:
        try:
            return StaffStatus.of(self.records.staff_by_email(email))
        except (NotFoundError, InvalidEntry):
            return None

    # --- changes ------------------------------------------------------------------------

    def add(self, clinic: str, name: str, email: str, roles: list[str], password: str,
            actor: Actor) -> NewAccount:
        """Open an account with its first password; an admin or regulator gets a second
        factor with it (its secret returned once). Nothing is recorded for a weak
        password."""
        name, email = require_name("name", name), normalise_email(email)
        require_strong_password(password, email, name)
        staff_id = uuid4()
        secret = self.credentials.enrol_totp(staff_id) if SECOND_FACTOR_ROLES & set(
            roles) else None
        try:
            recorded = self.records.register_staff(clinic, name, email, roles, actor,
                                                   second_factor=secret is not None,
                                                   staff_id=staff_id)
        except BaseException:
            self.credentials.forget(staff_id)
            raise
        self.credentials.set_password(staff_id, password)
        return NewAccount(recorded, secret)

    def set_password(self, staff_id: UUID, password: str, actor: Actor) -> Recorded:
        """A new password (the owner's, or a reset by an admin), checked against the rules
        before anything is recorded."""
        member = self.records.staff_member(staff_id)
        require_strong_password(password, member.email, member.name)
        self.credentials.set_password(staff_id, password)
        return self.records.note_password_changed(staff_id, actor)

    def reset_password(self, staff_id: UUID, password: str, actor: Actor, now) -> Recorded:
        """Someone else sets the account's password (an admin, the command line): every
        session of the account ends, so whoever held one must sign in with the new one."""
        recorded = self.set_password(staff_id, password, actor)
        self.sessions.end_all(str(staff_id), now, "password_reset")
        return recorded

    def enrol_second_factor(self, staff_id: UUID, actor: Actor) -> tuple[Recorded, str]:
        """A new TOTP secret for the account (returned once), its enrolment recorded."""
        self.records.staff_member(staff_id)  # NotFoundError before anything is sealed
        secret = self.credentials.enrol_totp(staff_id)
        return self.records.note_second_factor(staff_id, actor), secret

    def deactivate(self, staff_id: UUID, reason: str, actor: Actor, now) -> Recorded:
        """Close the account and end its sessions (its tokens stop at the next request,
        which looks the account up)."""
        recorded = self.records.deactivate_staff(staff_id, reason, actor)
        self.sessions.end_all(str(staff_id), now, "deactivated")
        return recorded
