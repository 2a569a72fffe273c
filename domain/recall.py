"""A Recall: one per product and lot. Recalled by a regulator (every clinic) or a clinician
(own clinic); from the recall on, the lot may not go into a new mix or injection there, and
each clinic records as its exposed patients are reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolation
from domain.lots import ProductLot
from domain.values import Actor, require_member, require_text

EVERY_CLINIC = "*"
CONTACT_METHODS = ("phone", "email", "letter", "in_person", "other")


class LotRecalledError(RuleViolation):
    """A recalled lot (its product and lot number) may not be used in a new mix or injection."""

    rule = "lot_recalled"


@dataclass(frozen=True)
class RecallsInForce:
    """Which of some lots stand recalled for a clinic, and the recall records' versions the
    decision read (None: no recall of that lot on record yet)."""

    clinic: str
    recalled: dict[ProductLot, datetime]
    versions: dict[UUID, int | None]

    def require_none_of(self, lots: set[ProductLot], at: datetime) -> None:
        """Refuse an entry, as of its clinical time, that uses a lot recalled by then."""
        for lot in sorted(lots):
            since = self.recalled.get(lot)
            if since is not None and since <= at:
                raise LotRecalledError(f"{lot} was recalled on {since.date()}")


class Recall(Aggregate):
    TOPIC = "mesoledger.Recall"

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.Recall.Created"  # base of Opened, never recorded itself

    class Opened(Created):
        TOPIC = "mesoledger.Recall.Opened"
        product: str
        lot: str

    class LotRecalled(Aggregate.Event):
        TOPIC = "mesoledger.Recall.LotRecalled"
        product: str
        lot: str
        clinic: str
        reason: str
        actor: Actor
        occurred_at: datetime

    class RecallContactRecorded(Aggregate.Event):
        TOPIC = "mesoledger.Recall.RecallContactRecorded"
        product: str
        lot: str
        clinic: str
        patient_id: UUID
        method: str
        reached: bool
        actor: Actor
        occurred_at: datetime

    @staticmethod
    def id_for(lot: ProductLot) -> UUID:
        return uuid5(NAMESPACE_URL, f"mesoledger:recall:{lot.product}\x00{lot.lot}")

    @event(Opened)
    def __init__(self, product: str, lot: str) -> None:
        self.product_lot = ProductLot(product, lot)
        self.since: dict[str, datetime] = {}  # clinic (or every clinic) → recalled at

    @classmethod
    def open(cls, lot: ProductLot) -> Recall:
        return cls._create(cls.Opened, id=cls.id_for(lot), product=lot.product, lot=lot.lot)

    def recalled_at(self, clinic: str) -> datetime | None:
        """When the lot was recalled for the clinic (the earliest recall covering it)."""
        times = [self.since[c] for c in (clinic, EVERY_CLINIC) if c in self.since]
        return min(times, default=None)

    def recall(self, clinic: str, reason: str, actor: Actor, at: datetime) -> None:
        require_text("reason", reason, max_length=2000)
        if clinic in self.since:
            raise LotRecalledError(f"{self.product_lot} is already recalled there")
        self._lot_recalled(*self._named, clinic, reason, actor, at)

    def record_contact(self, clinic: str, patient_id: UUID, method: str, reached: bool,
                       actor: Actor, at: datetime) -> None:
        require_member("method", method, CONTACT_METHODS)
        if self.recalled_at(clinic) is None:
            raise NotRecalledHereError(f"{self.product_lot} is not recalled in {clinic}")
        self._contact_recorded(*self._named, clinic, patient_id, method, reached, actor, at)

    @property
    def _named(self) -> tuple[str, str]:
        return self.product_lot.product, self.product_lot.lot

    @event(LotRecalled)
    def _lot_recalled(self, product: str, lot: str, clinic: str, reason: str, actor: Actor,
                      occurred_at: datetime) -> None:
        self.since[clinic] = occurred_at

    @event(RecallContactRecorded)
    def _contact_recorded(self, product: str, lot: str, clinic: str, patient_id: UUID,
                          method: str, reached: bool, actor: Actor,
                          occurred_at: datetime) -> None:
        pass


class NotRecalledHereError(RuleViolation):
    """A contact is recorded only for a lot recalled in the patient's clinic."""

    rule = "lot_not_recalled"
