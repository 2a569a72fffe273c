"""One record per (clinic, MRN): saved with the patient, it makes an MRN unique per clinic.

MRNs are compared normalised (DESIGN §1.2: Unicode NFKC, case, surrounding space, any dash),
so `b-1001`, ` B-1001`, `B‑1001` and `Ｂ-1001` are one MRN. Records made before that were
keyed by the MRN as typed; a new registration also claims those keys for the MRN as typed
and in its upper- and lower-case normal forms, so it clashes with an old registration typed
in any of them."""

from __future__ import annotations

import re
import unicodedata
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
        """The record of an MRN, compared normalised."""
        return uuid5(NAMESPACE_URL, f"mesoledger:mrn-normalised:{clinic}:{normalise_mrn(mrn)}")

    @staticmethod
    def id_as_typed(clinic: str, mrn: str) -> UUID:
        """The record of an MRN as registrations before normalisation keyed it."""
        return uuid5(NAMESPACE_URL, f"mesoledger:mrn:{clinic}:{mrn}")

    @classmethod
    def ids_for(cls, clinic: str, mrn: str) -> list[UUID]:
        """Every record a registration of this MRN claims, the normalised one first."""
        normal = normalise_mrn(mrn)
        typed = dict.fromkeys((mrn, normal.upper(), normal))
        return [cls.id_for(clinic, mrn), *(cls.id_as_typed(clinic, t) for t in typed)]

    @event(Claimed)
    def __init__(self, patient_id: UUID, actor: Actor) -> None:
        self.patient_id = patient_id

    @classmethod
    def claims(cls, clinic: str, mrn: str, patient_id: UUID, actor: Actor) -> list[MrnIndex]:
        return [cls._create(cls.Claimed, id=index_id, patient_id=patient_id, actor=actor)
                for index_id in cls.ids_for(clinic, mrn)]


DASHES = re.compile(r"[\u002d\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a"
                    r"\u2e3a\u2e3b\u2e40\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d]")


def normalise_mrn(mrn: str) -> str:
    """An MRN as compared: NFKC, case folded, surrounding space stripped, any dash `-`."""
    return DASHES.sub("-", unicodedata.normalize("NFKC", mrn).casefold().strip())
