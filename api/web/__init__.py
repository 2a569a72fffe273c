"""The web app (DESIGN §6): server-rendered pages at `/`, on the API's own use cases and
views, in the same process. `install(app)` adds it to the HTTP app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import pages
from api.web.routes import ROUTERS


def install(app: FastAPI) -> None:
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")


__all__ = ["install", "pages"]
