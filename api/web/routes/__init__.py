"""The web app's pages, one module per part of the clinic's work."""

from api.web.routes import (
    chart,
    consents,
    course,
    findings,
    front_desk,
    lots,
    oversight,
    patient_entries,
    personal_data,
    planning,
    progress,
    safety,
    screening,
    setup,
    signing_in,
    staff_admin,
)

ROUTERS = (
    signing_in,
    front_desk,
    oversight,
    consents,
    chart,
    screening,
    planning,
    course,
    progress,
    staff_admin,
    setup,
    lots,
    personal_data,
    findings,
    safety,
    patient_entries,
)
