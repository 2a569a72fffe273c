"""Corrections (DESIGN §1.1): an entry made in error is voided by its version, with a reason,
on a patient or a course alike. The void names the kind of entry it strikes; the original
stays in history. A clinician may void any entry of the clinic; a nurse her own entries
within a day of recording them (server time); no one else. An amendment names the entry it
supersedes.

Both aggregates mix in `Voidable` and keep their own kinds of entry; what a void is, who may
make one and the refusals it gives live here once. Each declares its `EntryVoided` as a
subclass of the one here, with its own topic and its own fields after `entry_version` (the
order its stored entries have)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate

from domain.errors import RuleViolation
from domain.values import Actor, require_text

NURSE_VOID_WINDOW = timedelta(hours=24)
"""How long after recording it (server time, not clinical time) a nurse may void her entry."""


class EntryNotVoidableError(RuleViolation):
    """Only a live entry of a kind that can be voided is voided: a patient's screening,
    allergy, condition, consent or personal-data amendment; a course's formulation,
    injection, outcome or adverse event."""

    rule = "entry_not_voidable"


class AlreadyVoidedError(RuleViolation):
    """An entry is voided once."""

    rule = "already_voided"


class VoidKindMismatchError(RuleViolation):
    """A void that names the kind of entry it voids must name the kind that version is."""

    rule = "void_kind_mismatch"


class VoidNotPermittedError(RuleViolation):
    """A clinician may void any entry of the clinic; a nurse only her own, within 24 hours
    of recording it (server time); no other role voids."""

    rule = "void_not_permitted"


class SupersedesNotCurrentError(RuleViolation):
    """An amendment supersedes the entry in force it replaces (the patient's current personal
    data, the course's current plan); naming another version is refused."""

    rule = "supersedes_not_current"


def require_supersedes(named: int | None, current: int, what: str) -> None:
    """The version an amendment names as superseded, if it names one, is the one in force."""
    if named is not None and named != current:
        raise SupersedesNotCurrentError(f"the {what} in force is entry {current}, not {named}")


@dataclass(frozen=True)
class EntryMade:
    """Who made an entry, and when the server recorded it."""

    author_id: str
    recorded_at: datetime


def require_may_void(voider: Actor, made: EntryMade | None, now: datetime | None) -> None:
    """A clinician voids any entry; a nurse her own within NURSE_VOID_WINDOW of recording."""
    if voider.role == "clinician":
        return
    if voider.role != "nurse":
        raise VoidNotPermittedError(f"a {voider.role} may not void entries")
    if made is None or now is None or made.author_id != voider.id:
        raise VoidNotPermittedError("a nurse may void only her own entries")
    if now - made.recorded_at > NURSE_VOID_WINDOW:
        raise VoidNotPermittedError(
            f"recorded at {made.recorded_at.isoformat()}, more than 24 hours ago: a clinician"
            " may void it")


class EntryVoided(Aggregate.Event):
    """An entry voided by its version: it leaves the entries the rules read (the record's
    `_note_voided`); the entry itself stays in history."""

    entry_version: int

    def apply(self, record: Any) -> None:
        record._note_voided(self.entry_version)


class Voidable:
    """Mixed into an aggregate whose entries can be voided by version: the versions voided
    so far, the checks every void makes, and the void itself. The aggregate says which of
    its versions are live entries of which kind (`live_kind`), what else a void of it must
    respect (`_require_void_fits`) and what a voided entry takes along (`_note_voided`)."""

    voided: list[int]

    def void(self, entry_version: int, reason: str, actor: Actor, at: datetime, *,
             kind: str | None = None, made: EntryMade | None = None,
             now: datetime | None = None) -> str:
        """Void a live entry made in error (`made`: its author and recorded time, which a
        nurse's void needs; `now`: server time); returns the kind of entry voided."""
        found = self._require_voidable(entry_version, reason, kind)
        self._require_void_fits(entry_version, found, at)
        require_may_void(actor, made, now)
        self.trigger_event(type(self).EntryVoided, entry_version=entry_version,
                           entry_kind=found, reason=reason, actor=actor, occurred_at=at)
        return found

    def live_kind(self, version: int) -> str | None:
        """The kind of the live (recorded, not voided) entry of that version, if voidable."""
        raise NotImplementedError

    def _require_voidable(self, version: int, reason: str, kind: str | None) -> str:
        """The kind of entry the void strikes (refused if voided already, not a voidable
        entry, or another kind than the one named)."""
        require_text("reason", reason, max_length=2000)
        if version in self.voided:
            raise AlreadyVoidedError(f"entry {version} is already voided")
        found = self.live_kind(version)
        if found is None:
            raise EntryNotVoidableError(f"version {version} is not a voidable entry")
        if kind is not None and kind != found:
            raise VoidKindMismatchError(f"entry {version} is {found}, not {kind}")
        return found

    def _require_void_fits(self, version: int, kind: str, at: datetime) -> None:
        """The record's own conditions on a void of that entry, at that clinical time."""
        raise NotImplementedError

    def _note_voided(self, version: int) -> None:
        """Evolve: the entry of that version leaves the live ones."""
        raise NotImplementedError
