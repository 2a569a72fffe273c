"""A clinic's product catalogue: the products its mixes are made of (name, manufacturer,
optional GTIN), so an ingredient's product can be picked rather than typed. One record per
clinic and product name (compared without case or surrounding space)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidEntry, RuleViolation
from domain.values import Actor, require_name


class DuplicateProductError(RuleViolation):
    """A product is listed once in a clinic's catalogue."""

    rule = "duplicate_product"


def require_gtin(gtin: str | None) -> str | None:
    """A GS1 GTIN (8, 12, 13 or 14 digits) whose check digit holds, or none."""
    if gtin is None:
        return None
    if not (isinstance(gtin, str) and gtin.isascii() and gtin.isdigit()
            and len(gtin) in (8, 12, 13, 14)):
        raise InvalidEntry("gtin", "must be 8, 12, 13 or 14 digits")
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != check:
        raise InvalidEntry("gtin", "its check digit does not match")
    return gtin


class CatalogueProduct(Aggregate):
    TOPIC = "mesoledger.CatalogueProduct"

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.CatalogueProduct.Created"  # base of Listed, never recorded itself

    class Listed(Created):
        TOPIC = "mesoledger.CatalogueProduct.Listed"
        clinic: str
        name: str
        manufacturer: str
        gtin: str | None
        actor: Actor
        occurred_at: datetime

    @staticmethod
    def id_for(clinic: str, name: str) -> UUID:
        key = unicodedata.normalize("NFKC", name).strip().casefold()
        return uuid5(NAMESPACE_URL, f"mesoledger:product:{clinic}\x00{key}")

    @event(Listed)
    def __init__(self, clinic: str, name: str, manufacturer: str, gtin: str | None,
                 actor: Actor, occurred_at: datetime) -> None:
        self.clinic = clinic
        self.name = name

    @classmethod
    def list_in(cls, clinic: str, name: str, manufacturer: str, gtin: str | None,
                actor: Actor, at: datetime) -> CatalogueProduct:
        name = require_name("name", name, max_length=200)
        manufacturer = require_name("manufacturer", manufacturer, max_length=200)
        return cls._create(cls.Listed, id=cls.id_for(clinic, name), clinic=clinic, name=name,
                           manufacturer=manufacturer, gtin=require_gtin(gtin), actor=actor,
                           occurred_at=at)
