"""OpenAPI links: from the answer that creates a patient or a course to every operation that
takes its id, so a client (or a fuzzer) can follow a new record through the API."""

from __future__ import annotations

from fastapi import FastAPI

from api.http.services import document_fresh_reads

CREATES = {  # (path, method) of the write that creates a record → the id its 201 body holds
    ("/v1/patients", "post"): "patient_id",
    ("/v1/patients/{patient_id}/courses", "post"): "course_id",
}


def link_created_records(app: FastAPI) -> None:
    """Build the app's OpenAPI document with the links, and the answer of every read that
    waits for its views (once, when it is first asked for)."""
    build = app.openapi

    def document() -> dict:
        if app.openapi_schema is None:
            document = build()
            add_links(document)
            document_fresh_reads(document)
        return app.openapi_schema

    app.openapi = document


def add_links(document: dict) -> None:
    paths = document["paths"]
    for (path, method), name in CREATES.items():
        answer = paths[path][method]["responses"]["201"]
        answer["links"] = {
            operation["operationId"]: {
                "operationId": operation["operationId"],
                "parameters": {name: f"$response.body#/{name}"},
                "description": f"The new record's `{name}` in {verb.upper()} {target}",
            }
            for target, operations in paths.items() if f"{{{name}}}" in target
            for verb, operation in operations.items()}
