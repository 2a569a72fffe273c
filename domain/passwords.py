"""What a password must be (COMPLIANCE "Accounts and sessions"): long enough, and not the
account's own e-mail or name. Checked before anything is hashed or recorded."""

from __future__ import annotations

import unicodedata

from domain.errors import InvalidEntry

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing a megabyte on every sign-in would be a way to tire the server


class WeakPasswordError(InvalidEntry):
    """A password breaks one of the rules; `rule` names which."""

    def __init__(self, rule: str, problem: str) -> None:
        super().__init__("password", problem)
        self.rule = rule


def require_strong_password(password: object, email: str, name: str) -> str:
    """The password, if it keeps every rule (else WeakPasswordError naming the rule)."""
    if not isinstance(password, str):
        raise WeakPasswordError("password_required", "a password is required")
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError("password_too_short",
                                f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError("password_too_long", f"must be at most {MAX_LENGTH} characters")
    typed = _compared(password)
    local = email.partition("@")[0]
    if typed in {_compared(email), _compared(local)}:
        raise WeakPasswordError("password_is_email", "must not be the account's e-mail")
    if typed == _compared(name) or typed == _compared(name.replace(" ", "")):
        raise WeakPasswordError("password_is_name", "must not be the account's name")
    return password


def _compared(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()
