"""Integrity for auditors and regulators: the latest signed checkpoint and its witnesses,
and verify of the whole store run in the background, its progress shown on a page that
refreshes itself (no script needed) until the verdict names the first bad position."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.http.auth import IntegrityReader, Verifier
from api.http.schemas.views import CheckpointOut
from api.http.services import ServicesDep
from api.web.pages import WebRoute, render, see_other

router = APIRouter(route_class=WebRoute)
REFRESH_SECONDS = 2


def _shown(services: ServicesDep, held) -> CheckpointOut | None:
    integrity = services.integrity
    return held and CheckpointOut.of(held, integrity.verifier.vkey, integrity.witnesses)


@router.get("/integrity")
def integrity(request: Request, caller: IntegrityReader, services: ServicesDep):
    """The latest signed checkpoint and its witnesses; auditors and regulators verify."""
    services.wait_for_log()
    checkpoint = _shown(services, services.integrity.sign().held)
    run = services.verifications.latest
    return render(request, "integrity.html", title="Integrity", checkpoint=checkpoint, run=run)


@router.post("/integrity/verify")
def start_verification(caller: Verifier, services: ServicesDep):
    """Start recomputing everything from the stored events (the run under way, if one is)."""
    services.verifications.start(caller.name)
    return see_other("/integrity/verification")


@router.get("/integrity/verification")
def verification(request: Request, caller: Verifier, services: ServicesDep, refresh: str = ""):
    """How far verify has got (entries checked of those stored); when done, its verdict and
    the first bad position. While it runs the page refreshes itself, unless turned off
    (`refresh=off`: a person who reads slowly, or with a screen reader, stops it)."""
    run = services.verifications.latest
    refreshing = REFRESH_SECONDS if run and run.running and refresh != "off" else None
    response = render(
        request,
        "verification.html",
        title="Verification",
        run=run,
        refreshing=refreshing,
        checkpoint=_shown(services, services.integrity.latest()),
    )
    if refreshing:  # what <meta http-equiv="refresh"> does, as the header it stands for
        response.headers["Refresh"] = str(refreshing)
    return response
