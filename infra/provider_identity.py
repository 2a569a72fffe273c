"""Who a provider token names here: the staff account it matches (by e-mail, or by a subject
that is the staff id), with the role and clinic its claims map to.

Whether that account may act now — active, of that clinic, holding that role — is checked on
every request by sign-in's `admit` (infra/sign_in.py), as for every token naming a staff
account, so a deactivated account's provider tokens stop working at once. Finding the account
is cached: an e-mail's claim on an account, its clinic and its printed name do not change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from infra.provider_tokens import ClaimMapping, ProviderTokenError


@dataclass(frozen=True)
class StaffAccount:
    """The facts of an account that finding it needs (none of them ever changes)."""

    staff_id: str
    name: str
    clinic: str


class StaffAccounts(Protocol):
    """The staff accounts a provider identity is matched to (the staff store)."""

    def named_by_email(self, email: str) -> StaffAccount | None: ...

    def named_by_id(self, staff_id: str) -> StaffAccount | None: ...


class NoStaffAccounts:
    """Before any staff store is wired in: nobody from the provider is known."""

    def named_by_email(self, email: str) -> StaffAccount | None:
        return None

    def named_by_id(self, staff_id: str) -> StaffAccount | None:
        return None


@dataclass
class ProviderIdentity:
    mapping: ClaimMapping
    match_by: str  # "email" | "subject"
    accounts: StaffAccounts

    def caller_claims(self, claims: dict[str, Any]) -> dict[str, Any]:
        """sub (the staff id), name, role, clinic and exp of the person the claims name."""
        role, clinic = self.mapping.role_of(claims), self.mapping.clinic_of(claims)
        account = self.account_of(claims)
        if account is None or account.clinic != clinic:
            raise ProviderTokenError(f"no staff account of {clinic} matches the token")
        return {"sub": account.staff_id, "name": account.name, "role": role,
                "clinic": clinic, "exp": claims["exp"]}

    def account_of(self, claims: dict[str, Any]) -> StaffAccount | None:
        if self.match_by == "subject":
            return self.accounts.named_by_id(claims["sub"])
        email = claims.get("email")
        if not isinstance(email, str) or not email or claims.get("email_verified") is False:
            raise ProviderTokenError("token claims: no verified email")
        return self.accounts.named_by_email(email)
