"""Who a provider token names here: the active staff account it matches (by e-mail or by the
provider subject recorded on the account), with the role and clinic its claims map to.
Asked on every request, so a deactivated account's tokens stop working at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from infra.provider_tokens import ClaimMapping, ProviderTokenError


@dataclass(frozen=True)
class StaffAccount:
    """As much of a staff account as sign-in needs."""

    staff_id: str
    name: str
    roles: frozenset[str]


class StaffAccounts(Protocol):
    """The staff accounts a provider identity is matched to (the staff store)."""

    def active_by_email(self, clinic: str, email: str) -> StaffAccount | None: ...

    def active_by_subject(self, clinic: str, issuer: str, subject: str) -> StaffAccount | None:
        ...


class NoStaffAccounts:
    """Before any staff store is wired in: nobody from the provider is known."""

    def active_by_email(self, clinic: str, email: str) -> StaffAccount | None:
        return None

    def active_by_subject(self, clinic: str, issuer: str, subject: str) -> StaffAccount | None:
        return None


@dataclass
class ProviderIdentity:
    mapping: ClaimMapping
    match_by: str  # "email" | "subject"
    accounts: StaffAccounts

    def caller_claims(self, claims: dict[str, Any]) -> dict[str, Any]:
        """sub (the staff id), name, role, clinic and exp of the person the claims name."""
        role, clinic = self.mapping.role_of(claims), self.mapping.clinic_of(claims)
        account = self.account_of(claims, clinic)
        if account.roles and role not in account.roles:
            raise ProviderTokenError(f"the staff account does not hold the role {role}")
        return {"sub": account.staff_id, "name": account.name, "role": role,
                "clinic": clinic, "exp": claims["exp"]}

    def account_of(self, claims: dict[str, Any], clinic: str) -> StaffAccount:
        if self.match_by == "subject":
            account = self.accounts.active_by_subject(clinic, claims["iss"], claims["sub"])
        else:
            email = claims.get("email")
            if not isinstance(email, str) or not email or claims.get("email_verified") is False:
                raise ProviderTokenError("token claims: no verified email")
            account = self.accounts.active_by_email(clinic, email)
        if account is None:
            raise ProviderTokenError("no active staff account matches the token")
        return account
