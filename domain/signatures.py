"""Electronic signatures (21 CFR 11.50, 11.70, 11.200; DESIGN §1.1 EntrySigned): an entry of
a patient's or course's record signed by a staff member, bound to the leaf hash of the exact
entry it signs; never removed, only revoked by a later entry with a reason.

`Signable` gives a record its signature rules and state; the record declares the two events
(`EntrySigned`, `EntrySignatureRevoked`) as subclasses of the ones here, with its own topics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from domain.errors import RuleViolation
from domain.values import Actor, require_member, require_text

MEANINGS = ("authorship", "review", "approval", "cosignature")
"""What a signature means (11.50(a)(3)): the entry's author, a reviewer, an approver, or the
supervising clinician a nurse's entry names."""


class Forbidden:
    """A refusal about who is signing rather than what: answered 403, not 409."""


class EntryNotSignableError(RuleViolation):
    """Only an entry the record holds can be signed, and not a signature or its revocation."""

    rule = "entry_not_signable"


class VoidedEntryNotSignableError(RuleViolation):
    """A voided entry cannot be signed."""

    rule = "voided_entry_not_signable"


class AlreadySignedError(RuleViolation):
    """A person signs an entry once for each meaning (while that signature stands)."""

    rule = "already_signed"


class NotTheNamedSupervisorError(Forbidden, RuleViolation):
    """Only the supervising clinician a nurse's entry names may co-sign it."""

    rule = "not_the_named_supervisor"


class NotTheAuthorError(Forbidden, RuleViolation):
    """Only the person who made an entry signs it as its author."""

    rule = "not_the_author"


class SignatureNotRevocableError(RuleViolation):
    """Only a standing signature of this record can be revoked, once."""

    rule = "signature_not_revocable"


class RevokerNotPermittedError(Forbidden, RuleViolation):
    """A signature is revoked by its signer or a clinician."""

    rule = "revoker_not_permitted"


@dataclass(frozen=True)
class Signature:
    """A signature as a record holds it: the version of its EntrySigned, what it signs."""

    version: int
    entry_version: int
    meaning: str
    signer: str
    revoked: bool = False


@dataclass(frozen=True)
class EntryNames:
    """Whom an entry names: who made it, and the supervisor of a nurse's entry."""

    author: str | None
    supervisor: str | None


class EntrySigned(Aggregate.Event):
    """An entry signed: by whom (id and printed name in `actor`), meaning what, when (server
    time, `occurred_at`), over the leaf hash (hex) of the exact stored entry."""

    entry_version: int
    meaning: str
    leaf_hash: str
    actor: Actor
    occurred_at: datetime

    def apply(self, record: Any) -> None:
        record.signatures = [*signatures_of(record), [
            self.originator_version, self.entry_version, self.meaning, self.actor.id, False]]


class EntrySignatureRevoked(Aggregate.Event):
    """A signature revoked by a later entry, with a reason; the signature stays in history."""

    signature_version: int
    reason: str
    actor: Actor
    occurred_at: datetime

    def apply(self, record: Any) -> None:
        record.signatures = [[*held[:4], held[4] or held[0] == self.signature_version]
                             for held in signatures_of(record)]
        record.revocations = [*getattr(record, "revocations", []), self.originator_version]


def signatures_of(record: Any) -> list[list]:
    """The record's signatures as held (JSON-plain, for snapshots): [version, entry version,
    meaning, signer, revoked]; none on a record saved before signatures existed."""
    return getattr(record, "signatures", [])


class Signable:
    """Signature rules of a record with `version`, `voided` (where entries can be voided)
    and the two events above."""

    version: int

    def signature_list(self) -> list[Signature]:
        return [Signature(*held) for held in signatures_of(self)]

    def sign(self, entry_version: int, meaning: str, leaf_hash: bytes, actor: Actor,
             at: datetime, named: EntryNames | None = None) -> None:
        """Sign one entry; `named`, who the entry names as its author and supervisor."""
        require_member("meaning", meaning, MEANINGS)
        self._require_signable(entry_version)
        self._require_not_signed_already(entry_version, meaning, actor)
        named = named or EntryNames(None, None)
        if meaning == "cosignature" and (named.supervisor is None
                                         or named.supervisor != actor.id):
            raise NotTheNamedSupervisorError(
                f"entry {entry_version} names no supervisor, or another one, to co-sign it")
        if meaning == "authorship" and named.author != actor.id:
            raise NotTheAuthorError(f"entry {entry_version} was made by someone else")
        self.trigger_event(type(self).EntrySigned, entry_version=entry_version,
                           meaning=meaning, leaf_hash=leaf_hash.hex(), actor=actor,
                           occurred_at=at)

    def revoke_signature(self, signature_version: int, reason: str, actor: Actor,
                         at: datetime) -> None:
        require_text("reason", reason, max_length=2000)
        signature = next((s for s in self.signature_list()
                          if s.version == signature_version and not s.revoked), None)
        if signature is None:
            raise SignatureNotRevocableError(
                f"version {signature_version} is no standing signature of this record")
        if actor.id != signature.signer and actor.role != "clinician":
            raise RevokerNotPermittedError("only the signer or a clinician revokes a signature")
        self.trigger_event(type(self).EntrySignatureRevoked,
                           signature_version=signature_version, reason=reason, actor=actor,
                           occurred_at=at)

    def _require_signable(self, entry_version: int) -> None:
        signature_entries = {s.version for s in self.signature_list()}
        if (not 1 <= entry_version <= self.version or entry_version in signature_entries
                or entry_version in getattr(self, "revocations", [])):
            raise EntryNotSignableError(f"version {entry_version} is not a signable entry")
        if entry_version in getattr(self, "voided", ()):
            raise VoidedEntryNotSignableError(f"entry {entry_version} is voided")

    def _require_not_signed_already(self, entry_version: int, meaning: str,
                                    actor: Actor) -> None:
        if any(s.entry_version == entry_version and s.meaning == meaning
               and s.signer == actor.id and not s.revoked for s in self.signature_list()):
            raise AlreadySignedError(f"entry {entry_version} already has your {meaning}")
