"""Consent: what the patient signed (treatment, photography, data sharing), and its rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import InvalidEntry, RuleViolation
from domain.values import require_member, require_text
from domain.vocabulary import CONSENT_SCOPES


class ConsentNotActiveError(RuleViolation):
    """Only an active consent can be withdrawn."""

    rule = "consent_not_active"


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
        if not isinstance(self.signed_at, datetime) or self.signed_at.tzinfo is None:
            raise InvalidEntry("signed_at", "must be a date-time with a time zone")
