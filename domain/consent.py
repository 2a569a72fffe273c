"""Consent: what the patient signed (treatment, photography, data sharing), and its rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.clinical_time import CLOCK_SKEW, require_instant
from domain.errors import InvalidEntry, RuleViolation
from domain.values import require_member, require_text
from domain.vocabulary import CONSENT_SCOPES


class ConsentNotActiveError(RuleViolation):
    """Only an active consent can be withdrawn."""

    rule = "consent_not_active"


class ConsentSignedOutOfTimeError(RuleViolation):
    """A consent is signed by the time it is given, and not before the patient was born."""

    rule = "consent_signed_out_of_time"


@dataclass(frozen=True)
class Consent:
    scope: str
    form_version: str
    document_sha256: str
    signed_at: datetime

    def __post_init__(self) -> None:
        require_member("scope", self.scope, CONSENT_SCOPES)
        require_text("form_version", self.form_version, max_length=50)
        digest = self.document_sha256
        if not (isinstance(digest, str) and len(digest) == 64
                and all(c in "0123456789abcdef" for c in digest)):
            raise InvalidEntry("document_sha256", "must be 64 lower-case hex digits")
        require_instant("signed_at", self.signed_at)

    def require_signed_between(self, date_of_birth: date | None, at: datetime) -> None:
        """Signed by the time it is recorded as given, and not before the patient was born."""
        if self.signed_at > at + CLOCK_SKEW:
            raise ConsentSignedOutOfTimeError("signed_at is after the consent was given")
        if date_of_birth is not None and self.signed_at.date() < date_of_birth:
            raise ConsentSignedOutOfTimeError("signed_at is before the patient was born")
