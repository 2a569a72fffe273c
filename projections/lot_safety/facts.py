"""What lot_safety takes from each event: which event classes, and what each contributes
(FACTS). Lots are named by product and lot number together wherever the event knows both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import NamedTuple

from domain.course import TreatmentCourse
from domain.product_catalogue import CatalogueProduct
from domain.recall import Recall
from projections.base import Change


class CourseOwner(NamedTuple):
    """Whose a course is."""

    course_id: str
    patient_id: str
    clinic: str


class Mix(NamedTuple):
    """A version of a course's mix and its lots, as (product, lot number) pairs."""

    course_id: str
    formulation_version: int
    lots: tuple[tuple[str, str], ...]


class Injection(NamedTuple):
    """An injection, the mix it used and the lot numbers named (each once)."""

    course_id: str
    version: int
    area: str
    laterality: str
    session: int
    injected_on: str
    formulation_version: int
    lots: tuple[str, ...]


class AdverseEvent(NamedTuple):
    """An adverse event and what it suspects: injections by version, lots by product and
    number, or (as older reports do) lot numbers only."""

    course_id: str
    version: int
    kind: str
    severity: str
    serious: bool
    onset_on: str
    injections: tuple[int, ...]
    product_lots: tuple[tuple[str, str], ...]
    lot_numbers: tuple[str, ...]


class Void(NamedTuple):
    """An entry of a course voided: an injection or adverse event then counts nowhere."""

    course_id: str
    version: int


class Recalled(NamedTuple):
    """A lot recalled in a clinic (`*`: every clinic)."""

    product: str
    lot: str
    clinic: str
    reason: str
    recalled_at: str
    actor_id: str


class Contacted(NamedTuple):
    """An exposed patient contacted about a recall."""

    product: str
    lot: str
    clinic: str
    patient_id: str
    method: str
    reached: bool
    contacted_at: str
    actor_id: str


class Product(NamedTuple):
    """A product in a clinic's catalogue."""

    clinic: str
    name: str
    manufacturer: str
    gtin: str | None


Fact = CourseOwner | Mix | Injection | AdverseEvent | Void | Recalled | Contacted | Product


def _planned(change: Change) -> CourseOwner:
    return CourseOwner(change.record_id, str(change.event.patient_id), change.event.clinic)


def _formulated(change: Change) -> Mix:
    event = change.event
    return Mix(change.record_id, event.formulation_version,
               tuple(dict.fromkeys((i.product, i.lot) for i in event.formula.ingredients)))


def _injected(change: Change) -> Injection:
    event = change.event
    dose = event.dose
    return Injection(change.record_id, event.originator_version, dose.site.area,
                     dose.site.laterality, dose.session, _day(event.occurred_at),
                     dose.formulation_version, tuple(dict.fromkeys(dose.lots)))


def _reported(change: Change) -> AdverseEvent:
    event = change.event
    report = event.report
    return AdverseEvent(change.record_id, event.originator_version, report.kind,
                        report.severity, report.serious, _day(report.onset),
                        tuple(report.suspected_injections),
                        tuple((s.product, s.lot) for s in
                              report.suspected_product_lots),
                        tuple(report.suspected_lots))


def _voided(change: Change) -> Void:
    return Void(change.record_id, change.event.entry_version)


def _recalled(change: Change) -> Recalled:
    event = change.event
    return Recalled(event.product, event.lot, event.clinic, event.reason,
                    _instant(event.occurred_at), event.actor.id)


def _contacted(change: Change) -> Contacted:
    event = change.event
    return Contacted(event.product, event.lot, event.clinic, str(event.patient_id),
                     event.method, event.reached, _instant(event.occurred_at), event.actor.id)


def _listed(change: Change) -> Product:
    event = change.event
    return Product(event.clinic, event.name, event.manufacturer, event.gtin)


def _day(instant) -> str:
    return instant.date().isoformat()


def _instant(instant) -> str:
    return instant.astimezone(UTC).isoformat()


FACTS: dict[type, Callable[[Change], Fact]] = {
    TreatmentCourse.Planned: _planned,
    TreatmentCourse.Formulated: _formulated,
    TreatmentCourse.Injected: _injected,
    TreatmentCourse.AdverseEventReported: _reported,
    TreatmentCourse.EntryVoided: _voided,
    Recall.LotRecalled: _recalled,
    Recall.RecallContactRecorded: _contacted,
    CatalogueProduct.Listed: _listed,
}
"""Which events this view takes, and what each contributes."""
