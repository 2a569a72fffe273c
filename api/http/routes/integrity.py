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
    """The checkpoint over every event recorded so far, as a C2SP signed note with the
    witnesses' cosignatures (signed now unless the newest checkpoint already covers it)."""
    services.wait_for_log()
    integrity = services.integrity
    return CheckpointOut.of(integrity.sign().held, integrity.verifier.vkey, integrity.witnesses)


@router.get("/public-key")
def read_public_key(caller: IntegrityReader, services: ServicesDep) -> PublicKeyOut:
    """The Ed25519 public key that checkpoint signatures verify against."""
    return PublicKeyOut(pem=public_key_pem(services.integrity.key),
                        vkey=services.integrity.verifier.vkey)


@router.get("/verify")
def verify_store(caller: Verifier, services: ServicesDep) -> VerdictOut:
    """Hold every stored event to every checkpoint kept outside the database and its
    witnesses' cosignatures, trusting no view; name the first bad position if anything was
    changed, deleted, inserted, reordered or cut off."""
    return VerdictOut(**vars(verify(services.integrity, services.settings.witnesses_needed)))
