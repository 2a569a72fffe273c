"""Integrity: the latest signed checkpoint, the key to check it, and a full verify."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.auth import IntegrityReader, Verifier
from api.http.routing import ProblemRoute
from api.http.schemas.views import CheckpointOut, PublicKeyOut, VerdictOut
from api.http.services import ServicesDep
from infra.integrity import public_key_pem
from infra.verification import verify

router = APIRouter(prefix="/v1/integrity", tags=["integrity"], route_class=ProblemRoute)


@router.get("/checkpoint")
def read_checkpoint(caller: IntegrityReader, services: ServicesDep) -> CheckpointOut:
    """Sign the Merkle tree over every event recorded so far (or return the last signature
    if nothing was recorded since)."""
    services.wait_for_log()
    return CheckpointOut(**vars(services.integrity.sign()))


@router.get("/public-key")
def read_public_key(caller: IntegrityReader, services: ServicesDep) -> PublicKeyOut:
    """The Ed25519 public key that checkpoint signatures verify against."""
    return PublicKeyOut(pem=public_key_pem(services.integrity.key))


@router.get("/verify")
def verify_store(caller: Verifier, services: ServicesDep) -> VerdictOut:
    """Recompute every leaf and signed root from the event store; name the first bad
    position if anything was changed, deleted, inserted or reordered."""
    services.wait_for_log()
    return VerdictOut(**vars(verify(services.integrity, services.integrity.key.public_key())))
