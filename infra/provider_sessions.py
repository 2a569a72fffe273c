"""A person the clinic's identity provider vouched for (verified ID-token claims) gets a
session as a password sign-in would: when their staff account is active, of the clinic
their claims name, and holds the role the claims map to. Every outcome goes to the sign-in
log, with the account when one was found."""

from __future__ import annotations

from infra.provider_identity import ProviderIdentity
from infra.provider_sign_in import ProviderSignIn, ProviderSignInRefused
from infra.provider_tokens import ProviderTokenError
from infra.sign_in import SignedIn, SignIn
from infra.staff_accounts import StaffAccounts, StaffStatus

BY = "the identity provider"


class ProviderSessionRefused(Exception):
    """No session: the reason is in the sign-in log too."""


class ProviderSessions:
    def __init__(self, web: ProviderSignIn, identity: ProviderIdentity,
                 accounts: StaffAccounts, sign_in: SignIn) -> None:
        self.web, self.identity, self.accounts, self.sign_in = web, identity, accounts, sign_in

    def complete(self, code: str | None, state: str | None, error: str | None,
                 attempt: str | None, client: str | None) -> SignedIn:
        """Finish the sign-in the provider sent the browser back from (ProviderSessionRefused,
        logged, if anything is wrong; SignInRefused where sessions are not kept here)."""
        try:
            if error is not None:
                raise ProviderSignInRefused(f"the provider answered {error}")
            claims = self.web.finish(code, state, attempt)
        except ProviderSignInRefused as refused:
            self.refused("failed", None, client, str(refused))
        return self.start(claims, client)

    def start(self, claims: dict, client: str | None) -> SignedIn:
        try:
            role = self.identity.mapping.role_of(claims)
            clinic = self.identity.mapping.clinic_of(claims)
        except ProviderTokenError as error:
            self.refused("failed", None, client, str(error))
        staff = self._account(claims, client)
        if not staff.active:
            self.refused("refused_inactive", staff, client, "the account is deactivated")
        if staff.clinic != clinic or role not in staff.roles:
            self.refused("failed", staff, client, f"the account is not a {role}'s of {clinic}")
        return self.sign_in.signed_in_elsewhere(staff, role, client, BY)

    def refused(self, outcome: str, staff: StaffStatus | None, client: str | None,
                reason: str) -> None:
        """Log the refusal and raise it."""
        self.sign_in.refused_elsewhere(outcome, staff, client, f"{BY}: {reason}")
        raise ProviderSessionRefused(reason)

    def _account(self, claims: dict, client: str | None) -> StaffStatus:
        if self.identity.match_by == "subject":
            staff = self.accounts.status(claims["sub"])
        elif isinstance(claims.get("email"), str) and claims.get("email_verified") is not False:
            staff = self.accounts.by_email(claims["email"])
        else:
            self.refused("failed", None, client, "the provider sent no verified e-mail")
        if staff is None:
            self.refused("unknown_account", None, client, "no staff account matches")
        return staff
