"""The use cases of staff accounts: register, grant and revoke roles, deactivate and
reactivate, and note that a password or second factor was set (the secrets themselves are
kept by the credential store, never in the log). ClinicalRecords includes them."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.persistence import RecordConflictError

from domain.errors import NotFoundError, RuleViolation
from domain.record_keeping import Recorded, RecordKeeping, retried
from domain.staff import DuplicateStaffEmailError, StaffEmail, StaffMember
from domain.values import Actor


class SupervisorNotActiveClinicianError(RuleViolation):
    """The supervisor a nurse names is an active clinician account of the course's clinic
    (its staff id)."""

    rule = "supervisor_not_active_clinician"


class StaffRecords(RecordKeeping):
    """The use cases of staff accounts."""

    def register_staff(self, clinic: str, name: str, email: str, roles: list[str],
                       actor: Actor, *, second_factor: bool = False,
                       staff_id: UUID | None = None) -> Recorded:
        """Open an account; with `second_factor`, its enrolment is recorded with it (the
        caller has sealed the secret under `staff_id`). The e-mail signs in to this account
        only."""
        member = StaffMember.register(staff_id or uuid4(), clinic, name, email, roles, actor,
                                      second_factor=second_factor)
        if second_factor:
            member.note_second_factor(actor)
        try:
            return self._save(member, StaffEmail.claim(member.email, member.id, actor))
        except RecordConflictError:
            raise DuplicateStaffEmailError(f"{member.email} already signs in to an account"
                                           ) from None

    @retried
    def grant_role(self, staff_id: UUID, role: str, actor: Actor) -> Recorded:
        """Let the account act in one more role."""
        member = self._get(StaffMember, staff_id)
        member.grant(role, actor)
        return self._save(member)

    @retried
    def revoke_role(self, staff_id: UUID, role: str, reason: str, actor: Actor) -> Recorded:
        """Take a role away from the account, with a reason."""
        member = self._get(StaffMember, staff_id)
        member.revoke(role, reason, actor)
        return self._save(member)

    @retried
    def deactivate_staff(self, staff_id: UUID, reason: str, actor: Actor) -> Recorded:
        """Close the account: its tokens and sessions stop working at once."""
        member = self._get(StaffMember, staff_id)
        member.deactivate(reason, actor)
        return self._save(member)

    @retried
    def reactivate_staff(self, staff_id: UUID, reason: str, actor: Actor) -> Recorded:
        """Open a closed account again."""
        member = self._get(StaffMember, staff_id)
        member.reactivate(reason, actor)
        return self._save(member)

    @retried
    def note_password_changed(self, staff_id: UUID, actor: Actor) -> Recorded:
        """Record that a new password was set (by its owner, or reset by someone else)."""
        member = self._get(StaffMember, staff_id)
        member.note_password_changed(actor)
        return self._save(member)

    @retried
    def note_second_factor(self, staff_id: UUID, actor: Actor) -> Recorded:
        """Record that a second factor was enrolled (its secret is sealed elsewhere)."""
        member = self._get(StaffMember, staff_id)
        member.note_second_factor(actor)
        return self._save(member)

    # --- reads --------------------------------------------------------------------------

    def staff_member(self, staff_id: UUID) -> StaffMember:
        """The account as stored now (NotFoundError if there is none)."""
        return self._get(StaffMember, staff_id)

    def staff_by_email(self, email: str) -> StaffMember:
        """The account this e-mail signs in to (NotFoundError if none)."""
        return self.staff_member(self._get(StaffEmail, StaffEmail.id_for(email)).staff_id)

    def _require_supervising_clinician(self, supervisor: str | None, clinic: str) -> None:
        """The named supervisor is an active clinician account of the clinic."""
        try:
            member = self.staff_member(UUID(str(supervisor)))
        except (ValueError, NotFoundError):
            member = None
        if member is None or member.clinic != clinic or not member.holds("clinician"):
            raise SupervisorNotActiveClinicianError(
                f"supervisor {supervisor!r} is not an active clinician account of {clinic}")
