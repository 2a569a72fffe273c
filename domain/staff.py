"""A StaffMember: one person's account in one clinic — their roles, whether it is active,
and when its password and second factor were set. Never the secrets themselves: password
hashes and second-factor secrets live in the credential store (infra/credentials.py).

The printed name and e-mail are kept in clear: they are the workforce record of who made
entries (every entry already carries its author's name, and 21 CFR 11.50 shows it with each
signature), not a patient's data, and a regulator must be able to read them from the log.
"""

from __future__ import annotations

import unicodedata
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidEntry, RuleViolation
from domain.values import Actor, require_member, require_name, require_text
from domain.vocabulary import ROLES

ALL_CLINICS = "*"
SECOND_FACTOR_ROLES = frozenset({"admin", "regulator"})
"""Roles whose accounts sign in only with a second factor."""


class RoleAlreadyHeldError(RuleViolation):
    """A role is granted to an account that does not hold it yet."""

    rule = "role_already_held"


class RoleNotHeldError(RuleViolation):
    """Only a role the account holds can be revoked."""

    rule = "role_not_held"


class LastRoleError(RuleViolation):
    """An account keeps at least one role (deactivate it instead)."""

    rule = "last_role"


class StaffStatusUnchangedError(RuleViolation):
    """Only an active account is deactivated, and only an inactive one reactivated."""

    rule = "staff_status_unchanged"


class SecondFactorRequiredError(RuleViolation):
    """Admins and regulators have a second factor enrolled before they hold the role."""

    rule = "second_factor_required"


class DuplicateStaffEmailError(RuleViolation):
    """An e-mail address signs in to one account only."""

    rule = "duplicate_staff_email"


class StaffMember(Aggregate):
    TOPIC = "mesoledger.StaffMember"

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.StaffMember.Created"  # base of Registered, never recorded itself

    class Registered(Created):
        TOPIC = "mesoledger.StaffMember.Registered"
        clinic: str
        name: str
        email: str
        roles: list[str]
        actor: Actor

    class RoleGranted(Aggregate.Event):
        TOPIC = "mesoledger.StaffMember.RoleGranted"
        role: str
        actor: Actor

    class RoleRevoked(Aggregate.Event):
        TOPIC = "mesoledger.StaffMember.RoleRevoked"
        role: str
        reason: str
        actor: Actor

    class Deactivated(Aggregate.Event):
        TOPIC = "mesoledger.StaffMember.Deactivated"
        reason: str
        actor: Actor

    class Reactivated(Aggregate.Event):
        TOPIC = "mesoledger.StaffMember.Reactivated"
        reason: str
        actor: Actor

    class PasswordChanged(Aggregate.Event):
        """A new password hash was stored; `reset` when someone else set it."""

        TOPIC = "mesoledger.StaffMember.PasswordChanged"
        reset: bool
        actor: Actor

    class SecondFactorEnrolled(Aggregate.Event):
        TOPIC = "mesoledger.StaffMember.SecondFactorEnrolled"
        method: str
        actor: Actor

    @event(Registered)
    def __init__(self, clinic: str, name: str, email: str, roles: list[str],
                 actor: Actor) -> None:
        self.clinic = clinic
        self.name = name
        self.email = email
        self.roles = list(roles)
        self.active = True
        self.second_factor = False

    @classmethod
    def register(cls, staff_id: UUID, clinic: str, name: str, email: str, roles: list[str],
                 actor: Actor, *, second_factor: bool = False) -> StaffMember:
        clinic = require_name("clinic", clinic, max_length=100)
        roles = list(dict.fromkeys(require_member("role", r, ROLES) for r in roles))
        if not roles:
            raise InvalidEntry("role", "an account holds at least one role")
        if (clinic == ALL_CLINICS) != ("regulator" in roles) or (
                "regulator" in roles and len(roles) > 1):
            raise InvalidEntry("role", "a regulator's account is of every clinic ('*') and"
                               " holds no other role; a clinic's staff are no regulators")
        if not second_factor and SECOND_FACTOR_ROLES & set(roles):
            raise SecondFactorRequiredError("an admin or regulator account is registered"
                                            " with a second factor")
        return cls._create(cls.Registered, id=staff_id, clinic=clinic,
                           name=require_name("name", name), email=normalise_email(email),
                           roles=roles, actor=actor)

    # --- decide -------------------------------------------------------------------------

    def grant(self, role: str, actor: Actor) -> None:
        require_member("role", role, ROLES - {"regulator"} if self.clinic != ALL_CLINICS
                       else {"regulator"})
        if role in self.roles:
            raise RoleAlreadyHeldError(f"the account already holds {role}")
        if role in SECOND_FACTOR_ROLES and not self.second_factor:
            raise SecondFactorRequiredError(f"a {role} signs in with a second factor:"
                                            " enrol one first")
        self._role_granted(role, actor)

    def revoke(self, role: str, reason: str, actor: Actor) -> None:
        require_text("reason", reason, max_length=2000)
        if role not in self.roles:
            raise RoleNotHeldError(f"the account does not hold {role}")
        if self.roles == [role]:
            raise LastRoleError("an account keeps one role; deactivate it instead")
        self._role_revoked(role, reason, actor)

    def deactivate(self, reason: str, actor: Actor) -> None:
        require_text("reason", reason, max_length=2000)
        if not self.active:
            raise StaffStatusUnchangedError("the account is already inactive")
        self._deactivated(reason, actor)

    def reactivate(self, reason: str, actor: Actor) -> None:
        require_text("reason", reason, max_length=2000)
        if self.active:
            raise StaffStatusUnchangedError("the account is already active")
        self._reactivated(reason, actor)

    def note_password_changed(self, actor: Actor) -> None:
        self._password_changed(reset=actor.id != str(self.id), actor=actor)

    def note_second_factor(self, actor: Actor) -> None:
        self._second_factor_enrolled("totp", actor)

    def holds(self, role: str) -> bool:
        """May this account act in this role now?"""
        return self.active and role in self.roles

    # --- evolve -------------------------------------------------------------------------

    @event(RoleGranted)
    def _role_granted(self, role: str, actor: Actor) -> None:
        self.roles = [*self.roles, role]

    @event(RoleRevoked)
    def _role_revoked(self, role: str, reason: str, actor: Actor) -> None:
        self.roles = [r for r in self.roles if r != role]

    @event(Deactivated)
    def _deactivated(self, reason: str, actor: Actor) -> None:
        self.active = False

    @event(Reactivated)
    def _reactivated(self, reason: str, actor: Actor) -> None:
        self.active = True

    @event(PasswordChanged)
    def _password_changed(self, reset: bool, actor: Actor) -> None:
        pass

    @event(SecondFactorEnrolled)
    def _second_factor_enrolled(self, method: str, actor: Actor) -> None:
        self.second_factor = True


class StaffEmail(Aggregate):
    """One record per e-mail address, saved with the account: an address is unique across
    the store, since signing in names an address and no clinic."""

    TOPIC = "mesoledger.StaffEmail"

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.StaffEmail.Created"  # base of Claimed, never recorded itself

    class Claimed(Created):
        TOPIC = "mesoledger.StaffEmail.Claimed"
        staff_id: UUID
        actor: Actor

    @event(Claimed)
    def __init__(self, staff_id: UUID, actor: Actor) -> None:
        self.staff_id = staff_id

    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"mesoledger:staff-email:{normalise_email(email)}")

    @classmethod
    def claim(cls, email: str, staff_id: UUID, actor: Actor) -> StaffEmail:
        return cls._create(cls.Claimed, id=cls.id_for(email), staff_id=staff_id, actor=actor)


def normalise_email(email: str) -> str:
    """An address as compared and kept: NFKC, case folded, surrounding space stripped."""
    if not isinstance(email, str):
        raise InvalidEntry("email", "must be an e-mail address")
    address = unicodedata.normalize("NFKC", email).strip().casefold()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise InvalidEntry("email", "must be an e-mail address (name@example.org)")
    return require_name("email", address, max_length=254)
