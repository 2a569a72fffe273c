"""The web app's pages, one module per part of the clinic's work."""

from api.web.routes import chart, front_desk, signing_in

ROUTERS = (signing_in, front_desk, chart)
