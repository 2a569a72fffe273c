"""The credential store: staff password hashes (argon2id) and second-factor secrets (TOTP,
sealed under a vault key of the account's own), beside the key vault and never in the log.

It also counts failed sign-ins: after `failures_before_lockout` in a row an account is
locked until `lockout` has passed. A secret is never returned to a caller except the TOTP
secret at enrolment, once, for the person to put in their authenticator app.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.key_vault import SqlKeyVault
from infra.side_database import SideDatabase

TABLE = ("CREATE TABLE IF NOT EXISTS staff_credentials (staff_id TEXT PRIMARY KEY,"
         " password_hash TEXT, totp_sealed {blob}, totp_last_step INTEGER NOT NULL DEFAULT 0,"
         " failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT)")
ENSURE_ROW = ("INSERT INTO staff_credentials (staff_id) VALUES (?)"
              " ON CONFLICT (staff_id) DO NOTHING")
TOTP_SEALING = b"mesoledger staff totp secret\0"


@dataclass(frozen=True)
class HashingCost:
    """argon2id parameters (stored in each hash; a hash made with others is redone at the
    next sign-in)."""

    time_cost: int = 2
    memory_kib: int = 47_104
    parallelism: int = 1

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(time_cost=self.time_cost, memory_cost=self.memory_kib,
                              parallelism=self.parallelism)


@dataclass(frozen=True)
class Lockout:
    failures_before_lockout: int = 5
    lockout: timedelta = timedelta(minutes=15)


class CredentialStore:
    def __init__(self, side: SideDatabase, vault: SqlKeyVault, cost: HashingCost,
                 lockout: Lockout) -> None:
        self.side, self.vault, self.lockout = side, vault, lockout
        self._hasher = cost.hasher()
        side.execute(TABLE)

    # --- passwords ----------------------------------------------------------------------

    def set_password(self, staff_id: UUID, password: str) -> None:
        """Store a new hash (the password keeps the rules: domain/passwords.py); the count
        of failures starts again."""
        hashed = self._hasher.hash(password)
        self.side.execute(ENSURE_ROW, (str(staff_id),))
        self.side.execute("UPDATE staff_credentials SET password_hash = ?, failures = 0,"
                          " locked_until = NULL WHERE staff_id = ?", (hashed, str(staff_id)))

    def password_matches(self, staff_id: UUID, password: str) -> bool:
        """Whether the password is the account's; a hash made at another cost is redone."""
        row = self.side.one("SELECT password_hash FROM staff_credentials WHERE staff_id = ?",
                            (str(staff_id),))
        if row is None or row[0] is None:
            self._hasher.hash(password)  # as slow as a real check: no account is told apart
            return False
        try:
            self._hasher.verify(row[0], password)
        except (VerificationError, InvalidHashError):
            return False
        if self._hasher.check_needs_rehash(row[0]):
            self.set_password(staff_id, password)
        return True

    def has_password(self, staff_id: UUID) -> bool:
        row = self.side.one("SELECT password_hash FROM staff_credentials WHERE staff_id = ?",
                            (str(staff_id),))
        return row is not None and row[0] is not None

    # --- second factor ------------------------------------------------------------------

    def enrol_totp(self, staff_id: UUID) -> str:
        """A new TOTP secret for the account, sealed and stored; returned this once."""
        secret = pyotp.random_base32()
        key = self.vault.key_for(staff_id) or self.vault.create_key(staff_id)
        nonce = os.urandom(12)
        sealed = nonce + AESGCM(key).encrypt(nonce, secret.encode(),
                                             TOTP_SEALING + staff_id.bytes)
        self.side.execute(ENSURE_ROW, (str(staff_id),))
        self.side.execute("UPDATE staff_credentials SET totp_sealed = ?, totp_last_step = 0"
                          " WHERE staff_id = ?", (sealed, str(staff_id)))
        return secret

    def has_totp(self, staff_id: UUID) -> bool:
        return self._sealed_totp(staff_id) is not None

    def totp_matches(self, staff_id: UUID, code: str | None, at: datetime) -> bool:
        """Whether the code is the account's for now (or the 30 s step either side), and
        was not used before: a code once accepted is refused a second time."""
        sealed = self._sealed_totp(staff_id)
        if sealed is None or not code:
            return False
        key = self.vault.key_for(staff_id)
        secret = AESGCM(key).decrypt(sealed[:12], sealed[12:], TOTP_SEALING + staff_id.bytes)
        totp = pyotp.TOTP(secret.decode())
        step = totp.timecode(at)
        for candidate in (step - 1, step, step + 1):
            if hmac.compare_digest(totp.generate_otp(candidate), code.strip()):
                return self.side.execute(
                    "UPDATE staff_credentials SET totp_last_step = ? WHERE staff_id = ?"
                    " AND totp_last_step < ?", (candidate, str(staff_id), candidate)) == 1
        return False

    def _sealed_totp(self, staff_id: UUID) -> bytes | None:
        row = self.side.one("SELECT totp_sealed FROM staff_credentials WHERE staff_id = ?",
                            (str(staff_id),))
        return None if row is None or row[0] is None else bytes(row[0])

    def forget(self, staff_id: UUID) -> None:
        """Drop an account's credentials (one whose registration was refused)."""
        self.side.execute("DELETE FROM staff_credentials WHERE staff_id = ?", (str(staff_id),))
        self.vault.destroy_key(staff_id)

    # --- failed sign-ins ----------------------------------------------------------------

    def locked_until(self, staff_id: UUID, now: datetime) -> datetime | None:
        """When the account's lock ends, if it is locked now."""
        row = self.side.one("SELECT locked_until FROM staff_credentials WHERE staff_id = ?",
                            (str(staff_id),))
        until = row and row[0] and datetime.fromisoformat(row[0])
        return until if until and until > now else None

    def note_failure(self, staff_id: UUID, now: datetime) -> datetime | None:
        """Count a failed sign-in; when it is the one that locks the account, until when."""
        self.side.execute(ENSURE_ROW, (str(staff_id),))
        failures = self.side.one("UPDATE staff_credentials SET failures = failures + 1"
                                 " WHERE staff_id = ? RETURNING failures", (str(staff_id),))
        if failures is None or failures[0] < self.lockout.failures_before_lockout:
            return None
        until = now + self.lockout.lockout
        self.side.execute("UPDATE staff_credentials SET failures = 0, locked_until = ?"
                          " WHERE staff_id = ?", (until.isoformat(), str(staff_id)))
        return until

    def note_success(self, staff_id: UUID) -> None:
        self.side.execute("UPDATE staff_credentials SET failures = 0, locked_until = NULL"
                          " WHERE staff_id = ?", (str(staff_id),))
