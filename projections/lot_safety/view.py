"""The lot_safety view: course and recall facts in, rows by product and lot out.

An injection names lot numbers and the mix it used; the mix says which product each lot
number is of, so every exposure row names its product and lot together (two products sharing
a lot number are two lots). Whose a course is and what its mixes hold never change, so they
are read once per course and remembered, not read every batch.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from eventsourcing.application import LRUCache

from projections.base import Change, ViewTransaction, write_all
from projections.lot_safety import tables
from projections.lot_safety.facts import (
    FACTS,
    AdverseEvent,
    Contacted,
    CourseOwner,
    Fact,
    Injection,
    Mix,
    Product,
    Recalled,
    Void,
)

Mixes = dict[int, dict[str, tuple[str, ...]]]
"""A course's mixes: formulation version → lot number → the products of that number."""


class LotSafety:
    """Per product and lot: who was injected with it, the adverse events that point at it,
    and its recalls and the contacts made about them."""

    name = "lot_safety"
    tables = tables.TABLES
    courses_remembered = 20_000

    def __init__(self) -> None:
        self._owners: LRUCache[str, tuple[str, str]] = LRUCache(self.courses_remembered)
        self._mixes: LRUCache[str, Mixes] = LRUCache(self.courses_remembered)

    def create(self, tx: ViewTransaction) -> None:
        self.__init__()  # a rebuild starts afresh
        for statement in tables.DDL:
            tx.execute(statement)

    @staticmethod
    def facts(change: Change) -> Fact | None:
        """What the event contributes, by FACTS (None: nothing)."""
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list[Fact]) -> None:
        of_kind: dict[type, list] = {kind: [] for kind in (
            CourseOwner, Mix, Injection, AdverseEvent, Void, Recalled, Contacted, Product)}
        for fact in facts:
            of_kind[type(fact)].append(fact)
        injections, events = of_kind[Injection], of_kind[AdverseEvent]
        planned = {c.course_id for c in of_kind[CourseOwner]}  # all their entries are here
        touched = {f.course_id for f in (*injections, *events)}
        owners = self._owners_of(tx, of_kind[CourseOwner], touched)
        mixes = self._mixes_of(tx, of_kind[Mix], {i.course_id for i in injections}, planned)
        voids = {(v.course_id, v.version) for v in of_kind[Void]}
        exposures, counts = _exposures(injections, owners, mixes, voids)
        reported = [(e.course_id, e.version, e.onset_on, json.dumps(_suspects(e)),
                     int((e.course_id, e.version) in voids), e)
                    for e in events if e.course_id in owners]
        write_all(tx, {
            tables.PLAN: of_kind[CourseOwner],
            tables.MIX: [(m.course_id, m.formulation_version, *lot)
                         for m in of_kind[Mix] for lot in m.lots],
            tables.INJECT: exposures,
            tables.REPORT: [(*e[:2], *owners[e.course_id], e.kind, e.severity, int(e.serious),
                             onset, voided, suspects)
                            for *_, onset, suspects, voided, e in reported],
        })
        # Voids of entries recorded before this batch (this batch's were written voided).
        entered = {i[:2] for i in injections} | {r[:2] for r in reported} if voids else set()
        earlier = sorted(v for v in voids - entered if v[0] not in planned)
        counts.subtract(tables.void_injections(tx, earlier))
        changed = {i.course_id for i in injections} | {v[0] for v in voids} | {
            r[0] for r in reported}
        recorded = tables.course_events(tx, sorted(changed - planned))
        voided = set(earlier) & {tuple(e[:2]) for e in recorded}
        tables.void_events(tx, sorted(voided))
        tables.LOT_PATIENTS.add(tx, counts)
        tables.LOT_PATIENTS.forget_emptied(tx, counts)
        write_all(tx, {
            tables.RECALL: of_kind[Recalled],
            tables.CONTACT: [(*c[:5], int(c.reached), *c[6:]) for c in of_kind[Contacted]],
            tables.PRODUCT: of_kind[Product],
        })
        every = ([(*e[:4], e[4] or (tuple(e[:2]) in voided)) for e in recorded]
                 + [r[:5] for r in reported if r[0] in planned])
        recount = _recount(every, injections, {r[0] for r in reported} | {v[0] for v in voids})
        self._attribute(tx, [e for e in every if e[0] in recount], planned, exposures)

    @staticmethod
    def _attribute(tx: ViewTransaction, events: list[tuple], planned: set[str],
                   exposures: list[tuple]) -> None:
        """Count these adverse events (every one of their courses') anew: each live one for
        the lots it names, or else for the lots injected before its onset (with how many
        days before). A course planned in this batch has all its injections among its
        `exposures` and nothing counted yet; the others' are read, and counted anew."""
        course_ids = {e[0] for e in events}
        if not course_ids:
            return
        given: dict[str, list] = {}
        new = course_ids & planned
        for product, lot, _, _, course_id, version, *_, injected_on, voided in (
                row for row in exposures if row[4] in new) if new else ():
            if not voided:
                given.setdefault(course_id, []).append((version, product, lot, injected_on))
        stored = sorted(course_ids - planned)
        for course_id, *injection in tables.live_exposures_of(tx, stored):
            given.setdefault(course_id, []).append(injection)
        tables.forget_attributions(tx, stored)
        write_all(tx, {tables.ATTRIBUTE: [
            (course_id, version, *lot)
            for course_id, version, onset, suspects, voided in events if not voided
            for lot in _lots_of(json.loads(suspects), given.get(course_id, []), onset)]})

    def _owners_of(self, tx: ViewTransaction, planned: list[CourseOwner],
                   course_ids: set[str]) -> dict[str, tuple[str, str]]:
        """Patient and clinic of each course: planned in this batch, remembered, or read."""
        owners = {course_id: (patient, clinic) for course_id, patient, clinic in planned}
        for course_id, owner in owners.items():
            self._owners.put(course_id, owner)
        unknown = []
        for course_id in course_ids - owners.keys():
            try:
                owners[course_id] = self._owners.get(course_id)
            except KeyError:
                unknown.append(course_id)
        for course_id, patient_id, clinic in tables.owners(tx, sorted(unknown)):
            owners[course_id] = (patient_id, clinic)
            self._owners.put(course_id, owners[course_id])
        return owners

    def _mixes_of(self, tx: ViewTransaction, made: list[Mix], course_ids: set[str],
                  planned: set[str]) -> dict[str, Mixes]:
        """The mixes of each injected course: remembered or read (none for a course planned
        in this batch), plus this batch's."""
        found: dict[str, Mixes] = {course_id: {} for course_id in planned}
        unknown = []
        for course_id in (course_ids | {m.course_id for m in made}) - planned:
            try:
                found[course_id] = dict(self._mixes.get(course_id))
            except KeyError:
                unknown.append(course_id)
        read: dict[str, dict[int, list]] = {course_id: {} for course_id in unknown}
        for course_id, version, product, lot in tables.mixes(tx, sorted(unknown)):
            read[course_id].setdefault(version, []).append((product, lot))
        for course_id, versions in read.items():
            found[course_id] = {v: _by_number(lots) for v, lots in versions.items()}
        for mix in made:
            found[mix.course_id][mix.formulation_version] = _by_number(mix.lots)
        for course_id, course_mixes in found.items():
            self._mixes.put(course_id, course_mixes)
        return found


def _by_number(lots) -> dict[str, tuple[str, ...]]:
    products: dict[str, dict[str, None]] = {}
    for product, number in lots:
        products.setdefault(number, {})[product] = None
    return {number: tuple(named) for number, named in products.items()}


NOT_IN_MIX = ("",)


def _exposures(injections: list[Injection], owners: dict[str, tuple[str, str]],
               mixes: dict[str, Mixes], voids: set[tuple[str, int]]) -> tuple[list, Counter]:
    """One row per lot each injection of a known course used, named by its product through
    the mix (a lot number the mix does not hold keeps an empty product), voided if `voids`
    names it; and the live ones counted by product, lot, clinic and patient."""
    rows: list[tuple] = []
    counts: Counter = Counter()
    for course_id, version, area, laterality, session, injected_on, mix, lots in injections:
        owner = owners.get(course_id)
        if owner is None:
            continue
        patient_id, clinic = owner
        products = mixes.get(course_id, {}).get(mix, {})
        voided = int((course_id, version) in voids)
        for number in lots:
            for product in products.get(number, NOT_IN_MIX):
                rows.append((product, number, patient_id, clinic, course_id, version, area,
                             laterality, session, injected_on, voided))
                if not voided:
                    counts[(product, number, clinic, patient_id)] += 1
    return rows, counts


def _recount(events: list[tuple], injections: list[Injection], changed: set[str]) -> set[str]:
    """The courses whose adverse events are to be counted anew: those with an event or a
    void in the batch (`changed`), and those given an injection that could count for one of
    their events: one dated on or before its onset, or any for an event that names what it
    suspects."""
    latest_onset: dict[str, str] = {}
    naming = set()
    for course_id, _, onset, suspects, _ in events:
        latest_onset[course_id] = max(latest_onset.get(course_id, ""), onset)
        if suspects != "[]":
            naming.add(course_id)
    return changed | {i.course_id for i in injections if i.course_id in naming
                      or i.injected_on <= latest_onset.get(i.course_id, "")}


def _lots_of(suspects: list, injections: list, onset: str) -> list[tuple]:
    """(product, lot, named, days after) for each lot an adverse event counts for."""
    if suspects:
        lots = {(product, lot) for injection, product, lot in suspects if product}
        lots |= {(product, number) for injection, want_product, want_lot in suspects
                 for version, product, number, _ in injections
                 if version == injection or (want_product is None and want_lot == number)}
        return [(*lot, 1, 0) for lot in sorted(lots)]
    began = date.fromisoformat(onset)
    after: dict[tuple[str, str], int] = {}
    for _, product, number, day in injections:
        days = (began - date.fromisoformat(day)).days
        if days >= 0:
            after[(product, number)] = min(days, after.get((product, number), days))
    return [(*lot, 0, days) for lot, days in sorted(after.items())]


def _suspects(event: AdverseEvent) -> list[tuple]:
    """What the report suspects: injections by version, lots by product, lot numbers."""
    return ([(version, None, None) for version in event.injections]
            + [(None, product, lot) for product, lot in event.product_lots]
            + [(None, None, lot) for lot in event.lot_numbers])
