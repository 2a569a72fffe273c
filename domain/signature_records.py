"""The use cases of electronic signatures: sign an entry of a patient's or course's record,
revoke a signature. ClinicalRecords includes them.

The signer is a staff account whose password the caller has just checked again (the API
does, through the sign-in service); the signature covers the leaf hash of the entry as
stored, the same leaf the Merkle log and the offline verifier compute from it."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import NotFoundError
from domain.ledger import event_leaf_hash
from domain.record_keeping import Recorded, RecordKeeping, retried
from domain.signatures import EntryNames, Signable
from domain.values import Actor


class SignatureRecords(RecordKeeping):
    """Sign and revoke, on a patient's or a course's record."""

    @retried
    def sign_entry(self, record_id: UUID, entry_version: int, meaning: str,
                   signer: Actor) -> Recorded:
        """Sign one entry of the record, at server time, over the leaf hash of the entry as
        stored; a co-signature only by the supervisor the entry names."""
        record = self._signable(record_id)
        stored = self.recorder.select_entry(record_id, entry_version)
        leaf = event_leaf_hash(stored) if stored is not None else b""
        record.sign(entry_version, meaning, leaf, signer, self.clock(),
                    named=self._names_in(record, entry_version))
        return self._save(record)

    @retried
    def revoke_signature(self, record_id: UUID, signature_version: int, reason: str,
                         actor: Actor) -> Recorded:
        """Revoke a signature by a later entry with a reason; the signature stays."""
        record = self._signable(record_id)
        record.revoke_signature(signature_version, reason, actor, self.clock())
        return self._save(record)

    def _signable(self, record_id: UUID) -> Aggregate:
        record = self._stored_or_none(record_id)
        if not isinstance(record, Signable):
            raise NotFoundError(f"no patient or course {record_id}")
        return record

    def _stored_or_none(self, record_id: UUID) -> Aggregate | None:
        try:
            return self._get(Aggregate, record_id)
        except NotFoundError:
            return None

    def _names_in(self, record: Aggregate, entry_version: int) -> EntryNames | None:
        """Who the entry names: its author, and the supervisor of a nurse's injection."""
        if not 1 <= entry_version <= record.version:
            return None
        entry = next(iter(self.events.get(record.id, gt=entry_version - 1,
                                          lte=entry_version)), None)
        author = getattr(getattr(entry, "actor", None), "id", None)
        return EntryNames(author, getattr(getattr(entry, "dose", None), "supervisor", None))
