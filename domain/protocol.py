"""A Protocol: one of a clinic's named formulation templates (its ingredients, so their
ratio). A mix made from a protocol names it, and must follow it, so the outcomes registry
compares like with like."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidEntry, RuleViolation
from domain.formulation import Formula
from domain.values import Actor, require_decimal, require_member, require_name
from domain.vocabulary import AMOUNT_UNITS, INGREDIENT_CATEGORIES


class MixDiffersFromProtocolError(RuleViolation):
    """A mix made from a protocol has exactly its substances, categories and amounts."""

    rule = "mix_differs_from_protocol"


class ProtocolNotInClinicError(RuleViolation):
    """A mix follows a protocol of its own clinic only."""

    rule = "protocol_not_in_clinic"


@dataclass(frozen=True)
class Component:
    """One ingredient of a protocol: what and how much, not which product or lot."""

    substance: str
    category: str
    amount: Decimal
    unit: str

    def __post_init__(self) -> None:
        require_name("components.substance", self.substance, max_length=200)
        require_member("components.category", self.category, INGREDIENT_CATEGORIES)
        require_decimal("components.amount", self.amount)
        require_member("components.unit", self.unit, AMOUNT_UNITS)


def _components_of(formula: Formula) -> Counter:
    return Counter((i.substance, i.category, i.amount.normalize(), i.unit)
                   for i in formula.ingredients)


class Protocol(Aggregate):
    TOPIC = "mesoledger.Protocol"

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.Protocol.Created"  # base of Defined, never recorded itself

    class Defined(Created):
        TOPIC = "mesoledger.Protocol.Defined"
        clinic: str
        name: str
        components: tuple[Component, ...]
        actor: Actor
        occurred_at: datetime

    @event(Defined)
    def __init__(self, clinic: str, name: str, components: tuple[Component, ...],
                 actor: Actor, occurred_at: datetime) -> None:
        self.clinic = clinic
        self.name = name
        self.components = components

    @classmethod
    def define(cls, protocol_id: UUID, clinic: str, name: str,
               components: tuple[Component, ...], actor: Actor, at: datetime) -> Protocol:
        require_name("name", name, max_length=200)
        if not components:
            raise InvalidEntry("components", "at least one component is required")
        if len({c.substance for c in components}) != len(components):
            raise InvalidEntry("components", "a substance is listed twice")
        return cls._create(cls.Defined, id=protocol_id, clinic=clinic, name=name,
                           components=components, actor=actor, occurred_at=at)

    def require_followed_by(self, formula: Formula, clinic: str) -> None:
        """The mix is of this clinic's protocol and has exactly its components."""
        if clinic != self.clinic:
            raise ProtocolNotInClinicError(f"no protocol {self.id} in {clinic}")
        wanted = Counter((c.substance, c.category, c.amount.normalize(), c.unit)
                         for c in self.components)
        if _components_of(formula) != wanted:
            raise MixDiffersFromProtocolError(
                f"the mix differs from protocol {self.name!r}; its components are "
                + ", ".join(f"{c.substance} {c.amount} {c.unit}" for c in self.components))
