"""create_app(settings): the HTTP interface of mesoledger (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api.http import errors
from api.http.defects import DefectsAnswered
from api.http.links import link_created_records
from api.http.routes import (
    clinic_exports,
    consents,
    corrections,
    courses,
    erasure,
    exports,
    health,
    integrity,
    lots,
    outcomes,
    oversight,
    patient_views,
    patients,
    products,
    provider_sign_in,
    recalls,
    screenings,
    sessions,
    signals,
    signatures,
    staff,
    treatment,
)
from api.http.write_turns import WriteTurns
from api.web import install as install_web_app
from infra.services import open_services
from infra.settings import Settings

ROUTERS = (patients, consents, screenings, courses, treatment, patient_views, exports,
           clinic_exports, erasure, oversight, lots, integrity, health, corrections, sessions,
           staff, provider_sign_in, recalls, signals, outcomes, products, signatures)
DESCRIPTION = """Clinical records for mesotherapy clinics: who was screened, what was
formulated for them and what was injected where. Every entry is an immutable event; a
correction is a new entry. Send `Authorization: Bearer <JWT>`; refusals are RFC 9457
problems naming the rule or the field. Writes return the log position: pass it to a read
as `?min_position=` to read your own write."""


def create_app(settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None,
               run_projections: bool = True) -> FastAPI:
    """The app on the configured store; projections run in-process unless told not to
    (then `mesoledger worker` keeps the views)."""
    services = open_services(settings or Settings(), clock)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        if run_projections:
            services.start_projections()
        yield
        services.close()

    app = interface(lifespan)
    app.state.services = services
    return app


def interface(lifespan: Callable | None = None) -> FastAPI:
    """The routes, their problems and the OpenAPI document, before any store is opened."""
    # /docs and /redoc serve Swagger UI and ReDoc from the installed fastapi-offline package
    app = FastAPIOffline(title="mesoledger", version="0.1.0", description=DESCRIPTION,
                         lifespan=lifespan)
    app.state.write_turns = WriteTurns()
    errors.install(app)
    app.add_middleware(DefectsAnswered)
    for module in ROUTERS:
        app.include_router(module.router)
    link_created_records(app)
    install_web_app(app)
    return app
