"""The app against its own OpenAPI document, the way schemathesis's command line runs it:
every check, schema-valid and schema-violating requests, and the stateful phase, which follows
the document's links from a new patient and a new course to the routes that take their ids.
A real app on SQLite with a clinician's real token; zero failures.

Valid data must be accepted (positive_data_acceptance): the document states the vocabularies,
bounds, lengths and text rules the server enforces. What depends on the record or the clock
is a rule (409) or a stale If-Match (412), never a 422, so it is not "valid data rejected".

CI runs a short, seeded run. A longer one (and the coverage phase, which tries every boundary
of every parameter):

    MESOLEDGER_FUZZ_EXAMPLES=200 MESOLEDGER_FUZZ_COVERAGE=1 MESOLEDGER_FUZZ_SEED=random \\
        .venv/bin/python -m pytest tests/api/test_schema_fuzz.py -x
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from api.http.app import interface
from domain.vocabulary import INDICATIONS
from tests.api import bodies
from tests.api.conftest import token

# The document is known before any store is opened; the test checks the served one is it.
DOCUMENT = interface().openapi()
EXAMPLES = int(os.environ.get("MESOLEDGER_FUZZ_EXAMPLES", "6"))
COVERAGE = os.environ.get("MESOLEDGER_FUZZ_COVERAGE") == "1"
SEED = os.environ.get("MESOLEDGER_FUZZ_SEED", "20261207")
# A refusal that depends on what the record holds: a rule (409), a stale If-Match (412).
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429"]
COURSE_ROUTES = "/v1/courses/{course_id}"
PATIENTS = 12
SCENARIOS = int(os.environ.get("MESOLEDGER_FUZZ_SCENARIOS", "60"))


@pytest.fixture
def database_url(sqlite_url) -> str:
    """The contract, not the store, is under test here: SQLite keeps the run short."""
    return sqlite_url


@pytest.fixture
def served(app, client):
    """The app in-process for every request schemathesis sends (its probes included),
    without a second lifespan: the client fixture runs the one."""

    async def without_lifespan(scope, receive, send):
        if scope["type"] == "lifespan":
            raise RuntimeError("the lifespan is the TestClient's")
        await app(scope, receive, send)

    return without_lifespan


@pytest.fixture
def records_to_reach(given) -> None:
    """Patients screened for every indication and consented, each with a formulated course:
    the directory offers their ids, so a generated course plan can succeed and the links from
    it be followed (a generated screening may leave one of them ineligible)."""
    for n in range(PATIENTS):
        patient = given.consented_patient(f"MRN-SEED-{n}")
        given.post(f"/v1/patients/{patient}/screenings",
                   bodies.screening(indications=tuple(INDICATIONS)))
        given.formulated_course(patient)


def run(served, role: str = "clinician", paths: str | None = None,
        ) -> tuple[dict, list[events.ScenarioFinished]]:
    """Every phase on every operation (or on the paths matching `paths`, without the
    stateful phase: their operations link to none), with one role's token."""
    seeded = {} if SEED == "random" else {"seed": int(SEED)}
    config = SchemathesisConfig.from_dict(seeded | {
        "workers": 1,
        "suppress-health-check": ["all"],  # slow or filtered generation is not the server's
        "headers": {"Authorization": f"Bearer {token(role)}"},
        "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": SEED != "random"},
        "checks": {"enabled": True,
                   "positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        "phases": {"coverage": {"enabled": COVERAGE},
                   "stateful": {"enabled": paths is None,
                                "generation": {"max-examples": SCENARIOS}}},
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", served, config=config)
    if paths is not None:
        schema = schema.include(path_regex=paths)
    failures: dict[tuple, str] = {}
    finished = []
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            failures[("error", str(event))] = repr(event)
        if isinstance(event, events.ScenarioFinished):
            finished.append(event)
            failures |= failures_in(event)
    return failures, finished


def failures_in(scenario: events.ScenarioFinished) -> dict[tuple, str]:
    found = {}
    for case_id, checks in scenario.recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            case = scenario.recorder.cases[case_id].value
            answer = scenario.recorder.interactions.get(case_id)
            said = answer.response.content[:500] if answer and answer.response else b""
            found[(scenario.label, check.name)] = (
                f"{check.failure_info.failure.title}\n{case.as_curl_command()[:1500]}\n"
                f"-> {said!r}")
    return found


def reached(finished: list[events.ScenarioFinished], phase: PhaseName, prefix: str) -> set[str]:
    """The operations under `prefix` that a phase called on a record that exists: an answer
    other than 404 (a new course's id, from the link of the 201 that created it)."""
    answered = set()
    for scenario in finished:
        if scenario.phase != phase:
            continue
        for case_id, interaction in scenario.recorder.interactions.items():
            case = scenario.recorder.cases[case_id].value
            if (case.operation.label.split(" ", 1)[1].startswith(prefix) and interaction.response
                    and interaction.response.status_code not in (401, 404, 422)):
                answered.add(case.operation.label)
    return answered


def test_the_served_document_is_the_one_fuzzed(client):
    assert client.get("/openapi.json").json() == DOCUMENT


def test_every_request_schemathesis_makes_gets_the_answer_the_document_promises(
        served, records_to_reach):
    started = time.monotonic()
    failures, finished = run(served)
    assert not failures, "\n\n".join(f"{label} {check}: {what}"
                                     for (label, check), what in failures.items())
    assert reached(finished, PhaseName.STATEFUL_TESTING, COURSE_ROUTES), (
        "the stateful phase reached no course route")
    print(f"schemathesis: {len(finished)} scenarios in {time.monotonic() - started:.1f} s")


def test_the_regulators_routes_answer_as_the_document_promises(served, records_to_reach):
    """The audit trail, the access log, whole-clinic exports and integrity checks, which a
    clinician may not call, fuzzed with a regulator's token."""
    failures, finished = run(served, "regulator", "^/v1/(audit|access-log|clinics|integrity)")
    assert not failures, "\n\n".join(f"{label} {check}: {what}"
                                     for (label, check), what in failures.items())
    assert {s.label for s in finished if s.recorder.interactions} >= {
        "GET /v1/audit", "GET /v1/access-log", "GET /v1/clinics/{clinic}/export"}
