"""What the views return: directory entries, progress, history, audit and access pages."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from domain.ledger.completeness import EXTENSION
from infra.checkpoint_file import HeldCheckpoint
from infra.witness_client import WitnessAddress


class DirectoryEntry(BaseModel):
    patient_id: UUID
    clinic: str
    mrn: str
    name: str
    status: str | None = Field(description=(
        "The latest screening result (unscreened, eligible, ...); null for a caller who may"
        " not read clinical data (a receptionist)."))
    active_courses: int


class ScoreOut(BaseModel):
    scale: str
    baseline: Decimal | None
    latest: Decimal | None
    improvement: Decimal | None


class SideOut(BaseModel):
    """One side of a bilateral area: what it was given and how it responded (an entry
    recorded for both sides counts for each)."""

    side: str
    sessions_done: int
    volume_ml: Decimal
    points: int
    scores: list[ScoreOut]


class AreaProgressOut(BaseModel):
    course_id: UUID
    patient_id: UUID
    clinic: str
    indication: str
    area: str
    laterality: str
    planned: bool
    status: str
    sessions_done: int
    sessions_planned: int
    interval_days: int
    volume_ml: Decimal
    points: int
    formulation_version: int | None
    ratio: str | None
    last_session_on: date | None
    next_due_on: date | None
    adverse_events: int
    scores: list[ScoreOut]
    sides: list[SideOut] = []


class ActorOut(BaseModel):
    id: str
    name: str
    role: str


class VoidOut(BaseModel):
    position: int
    reason: str
    actor: ActorOut | None
    at: datetime | None


class AmendedByOut(BaseModel):
    """The later entry that superseded this one (an amendment)."""

    position: int
    version: int
    reason: str | None
    actor: ActorOut | None
    at: datetime | None


class SupersededOut(BaseModel):
    """The entry this amendment superseded."""

    position: int
    version: int


class LateEntryOut(BaseModel):
    """An entry recorded later than the clinic's late-entry window after its clinical time."""

    reason: str | None
    hours_after: int = Field(description="Hours between clinical and recorded time")


class RevocationOut(BaseModel):
    position: int
    version: int
    reason: str
    actor: ActorOut
    at: datetime


class SignatureOut(BaseModel):
    """An electronic signature of the entry: printed name, time, meaning, and the leaf hash
    of the exact entry it signs."""

    position: int
    version: int
    meaning: str
    signer: ActorOut
    at: datetime
    leaf_hash: str
    revoked: RevocationOut | None = None


class HistoryEntryOut(BaseModel):
    position: int
    recorded_at: datetime
    record_type: str
    record_id: UUID
    version: int
    event_type: str
    actor: ActorOut | None
    occurred_at: datetime | None
    details: dict[str, Any]
    voided_by: VoidOut | None
    late_entry: LateEntryOut | None = None
    amended_by: AmendedByOut | None = None
    supersedes: SupersededOut | None = None
    signatures: list[SignatureOut] = []


class AuditEntryOut(BaseModel):
    position: int
    recorded_at: datetime
    actor_id: str | None
    actor_role: str | None
    action: str
    aggregate_type: str
    aggregate_id: str
    version: int
    patient_id: str | None
    clinic: str | None
    event_type: str
    leaf_hash: str
    late_entry: bool = False


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_after: int | None = None


class AccessEntryOut(BaseModel):
    id: int
    read_at: datetime
    actor_id: str
    role: str
    actor_clinic: str
    patient_id: str | None
    patient_clinic: str | None
    resource: str
    outcome: int
    rule: str | None = None
    field: str | None = None


class AccessPage(BaseModel):
    entries: list[AccessEntryOut]
    next_after: int | None = None


class ExposureOut(BaseModel):
    product: str = Field(description="The product the lot is of (empty: not on the mix)")
    lot: str
    patient_id: UUID
    clinic: str
    course_id: UUID
    injection_version: int
    area: str
    laterality: str
    session: int
    date: date
    voided: bool


class WitnessOut(BaseModel):
    vkey: str = Field(description="The witness's verifier key (C2SP signed-note)")
    url: str
    cosigned_at: datetime | None = Field(description="When it cosigned this checkpoint;"
                                         " null if it has not")


class CheckpointOut(BaseModel):
    origin: str
    size: int
    root: str = Field(description="RFC 6962 root hash, base64")
    patients_root: str = Field(description="Root of every patient's chain of entries, base64")
    note: str = Field(description="The checkpoint as a C2SP signed note, with the log's"
                      " signature and every witness cosignature held")
    log_key: str = Field(description="The log's verifier key: pin it to check notes")
    witnesses: list[WitnessOut]

    @classmethod
    def of(cls, held: HeldCheckpoint, log_key: str,
           witnesses: Sequence[WitnessAddress]) -> CheckpointOut:
        checkpoint = held.checkpoint
        return cls(origin=checkpoint.origin, size=checkpoint.size,
                   root=base64.b64encode(checkpoint.root).decode(),
                   patients_root=checkpoint.extension(EXTENSION) or "", note=held.note,
                   log_key=log_key, witnesses=[WitnessOut(
                       vkey=w.verifier.vkey, url=w.url, cosigned_at=_when(
                           held.signed_by(w.verifier))) for w in witnesses])


def _when(timestamp: int | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


class PublicKeyOut(BaseModel):
    algorithm: str = "Ed25519"
    pem: str
    vkey: str = Field(description="The same key as a C2SP verifier key")


class VerdictOut(BaseModel):
    ok: bool
    events_checked: int
    first_bad_position: int | None
    problem: str
    checkpoints_checked: int
