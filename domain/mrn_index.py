"""One record per (clinic, MRN): saved with the patient, it makes an MRN unique per clinic."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.values import Actor


class MrnIndex(Aggregate):
    TOPIC = "mesoledger.MrnIndex"

    class Created(Aggregate.Created):
        TOPIC = "mesoledger.MrnIndex.Created"  # base of Claimed, never recorded itself

    class Claimed(Created):
        TOPIC = "mesoledger.MrnIndex.Claimed"
        patient_id: UUID
        actor: Actor

    @staticmethod
    def id_for(clinic: str, mrn: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"mesoledger:mrn:{clinic}:{mrn}")

    @event(Claimed)
    def __init__(self, patient_id: UUID, actor: Actor) -> None:
        self.patient_id = patient_id

    @classmethod
    def claim(cls, clinic: str, mrn: str, patient_id: UUID, actor: Actor) -> MrnIndex:
        return cls._create(cls.Claimed, id=cls.id_for(clinic, mrn), patient_id=patient_id,
                           actor=actor)
