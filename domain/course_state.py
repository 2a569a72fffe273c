"""What a treatment course remembers of its entries that are live (recorded, not voided).

Enough to enforce its rules (volume per area and session, sessions given, mixes in use) and
to undo a void; the entries themselves stay in the course's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Snapshot

from domain.entries import Dose
from domain.formulation import Formula
from domain.lots import ProductLot
from domain.values import Site
from domain.vocabulary import CourseStatus


class EntryKind(StrEnum):
    """What a course entry records; each can be voided by its version."""

    FORMULATION = "formulation"
    INJECTION = "injection"
    OUTCOME = "outcome"
    ADVERSE_EVENT = "adverse_event"


@dataclass(frozen=True)
class LiveEntry:
    """An entry of the course that is not voided: its version in the course's history, what
    it records, and for a formulation, the mix's version number."""

    version: int
    kind: EntryKind
    formulation_version: int | None = None


@dataclass(frozen=True)
class LiveFormulation:
    """A version of the course's mix that is not voided, and the entry that recorded it."""

    entry_version: int
    version: int
    formula: Formula
    formulated_at: datetime | None = None  # None: kept before clinical times were


@dataclass(frozen=True)
class DatedEntry:
    """A live entry's clinical time."""

    entry_version: int
    at: datetime


@dataclass(frozen=True)
class GivenDose:
    """A live injection, as far as the course's limits go: when, where, how much, which mix."""

    entry_version: int
    session: int
    site: Site
    volume_ml: Decimal
    formulation_version: int


class LiveEntries:
    """Reads over a course's live entries, and the changes a plan and a void make to them
    (mixed into TreatmentCourse, which records the entries)."""

    formulation_count: int
    formulations: list[LiveFormulation]
    given: list[GivenDose]
    given_at: list[DatedEntry]  # the clinical times of the live injections
    assessed: list[int]  # the versions of live outcome entries
    reported: list[int]  # the versions of live adverse-event entries
    voided: list[int]
    version: int

    def _note_no_entries_yet(self) -> None:
        """Evolve, from the course's plan: nothing mixed, given, assessed or voided yet."""
        self.formulation_count = 0
        self.formulations = []
        self.given = []
        self.given_at = []
        self.assessed = []
        self.reported = []
        self.voided = []

    @property
    def live_entries(self) -> list[LiveEntry]:
        """Every entry not voided, oldest first."""
        entries = [LiveEntry(f.entry_version, EntryKind.FORMULATION, f.version)
                   for f in self.formulations]
        entries += [LiveEntry(dose.entry_version, EntryKind.INJECTION) for dose in self.given]
        entries += [LiveEntry(v, EntryKind.OUTCOME) for v in self.assessed]
        entries += [LiveEntry(v, EntryKind.ADVERSE_EVENT) for v in self.reported]
        return sorted(entries, key=lambda entry: entry.version)

    def live_entry(self, version: int) -> LiveEntry | None:
        return next((entry for entry in self.live_entries if entry.version == version), None)

    def live_kind(self, version: int) -> str | None:
        """The kind of the live entry of that version (what a void of it names)."""
        entry = self.live_entry(version)
        return entry and entry.kind.value

    def formula(self, version: int) -> Formula | None:
        """The mix of that version, unless it was voided (or never recorded)."""
        found = self.live_formulation(version)
        return found and found.formula

    def live_formulation(self, version: int) -> LiveFormulation | None:
        return next((f for f in self.formulations if f.version == version), None)

    def lots_of(self, dose: Dose) -> set[ProductLot]:
        """The product lots an injection would give: all its mix's (empty if the mix is not
        on record)."""
        mixes = [f.formula for f in self.formulations if f.version == dose.formulation_version]
        return mixes[0].product_lots if mixes else set()

    def _note_voided(self, version: int) -> None:
        """Evolve, from the course's void: the entry leaves the live ones."""
        self.formulations = [f for f in self.formulations if f.entry_version != version]
        self.given = [dose for dose in self.given if dose.entry_version != version]
        self.given_at = [dated for dated in self.given_at if dated.entry_version != version]
        self.assessed = [v for v in self.assessed if v != version]
        self.reported = [v for v in self.reported if v != version]
        self.voided.append(version)

    @property
    def _entry_being_applied(self) -> int:  # inside an @event body
        return self.version + 1

    @property
    def sessions_done(self) -> int:
        return max((dose.session for dose in self.given), default=0)

    def volume_given(self, session: int, site: Site) -> Decimal:
        """The volume given into this area and side in this session."""
        area, side = site.area, site.laterality
        return sum((dose.volume_ml for dose in self.given if dose.session == session
                    and dose.site.area == area and dose.site.laterality == side), Decimal(0))


class CourseSnapshot(Snapshot):
    """A course at one version. JSON keeps only the value of the course's status: it is
    read back as the CourseStatus it was."""

    def mutate(self, _: None) -> Any:
        course = super().mutate(_)
        course.status = CourseStatus(course.status)
        return course


def upcast_v1_v2(state: dict[str, Any]) -> None:
    """A course snapshot of version 1 held its live entries as text keyed by their version
    as text ("formulation:2", "injection") and each dose as a list; read it as version 2."""
    kinds = {int(version): kind for version, kind in state.pop("live_entries").items()}
    formulas = state.pop("formulas")
    state["status"] = CourseStatus(state["status"])
    state["formulations"] = [
        LiveFormulation(version, int(number), formulas[number])
        for version, kind in kinds.items() if kind.startswith("formulation:")
        for number in [kind.removeprefix("formulation:")]]
    state["given"] = [
        GivenDose(int(version), session, Site(area, side), Decimal(volume), formulation)
        for version, (session, area, side, volume, formulation)
        in state.pop("injections").items()]
    state["assessed"] = [version for version, kind in kinds.items() if kind == "outcome"]
    state["reported"] = [version for version, kind in kinds.items() if kind == "adverse_event"]
