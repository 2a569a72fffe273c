"""The use cases of products and lots: list a product in the clinic's catalogue, recall a lot,
record that an exposed patient was reached, and say which lots stand recalled for a clinic
(what a mix or injection is judged against)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import RecordConflictError

from domain.errors import NotFoundError
from domain.lots import ProductLot
from domain.patient import Patient
from domain.product_catalogue import CatalogueProduct, DuplicateProductError
from domain.recall import NotRecalledHereError, Recall, RecallsInForce
from domain.record_keeping import Recorded, RecordKeeping, retried
from domain.values import Actor


class LotRecalls(RecordKeeping):
    """Recalls of a product's lot, in one clinic or (a regulator's) in every clinic."""

    @retried
    def recall_lot(self, lot: ProductLot, clinic: str, reason: str, actor: Actor) -> Recorded:
        """Recall a lot in a clinic (`*`: every clinic); from now on it is refused there."""
        try:
            recall = self._get(Recall, Recall.id_for(lot))
        except NotFoundError:
            recall = Recall.open(lot)
        recall.recall(clinic, reason, actor, self.clock())
        return self._save(recall)

    @retried
    def record_recall_contact(self, lot: ProductLot, patient_id: UUID, method: str,
                              reached: bool, actor: Actor,
                              occurred_at: datetime | None = None) -> Recorded:
        """Record an attempt to reach a patient exposed to a recalled lot."""
        patient = self._get(Patient, patient_id)
        try:
            recall = self._get(Recall, Recall.id_for(lot))
        except NotFoundError:
            raise NotRecalledHereError(f"{lot} is not recalled") from None
        at = self._when(occurred_at, None)
        recall.record_contact(patient.clinic, patient_id, method, reached, actor, at)
        return self._save(recall)

    def list_product(self, clinic: str, name: str, manufacturer: str, gtin: str | None,
                     actor: Actor) -> Recorded:
        """Add a product to the clinic's catalogue (once per name)."""
        product = CatalogueProduct.list_in(clinic, name, manufacturer, gtin, actor,
                                           self.clock())
        try:
            return self._save(product)
        except RecordConflictError:
            raise DuplicateProductError(f"{name} is already in the catalogue") from None

    def recalls_in_force(self, clinic: str, lots: Iterable[ProductLot]) -> RecallsInForce:
        """Which of the lots stand recalled for the clinic, as stored now."""
        recalled, versions = {}, {}
        for lot in set(lots):
            try:
                recall = self._get(Recall, Recall.id_for(lot))
            except NotFoundError:
                versions[Recall.id_for(lot)] = None
                continue
            versions[recall.id] = recall.version
            since = recall.recalled_at(clinic)
            if since is not None:
                recalled[lot] = since
        return RecallsInForce(clinic, recalled, versions)
