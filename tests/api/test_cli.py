"""The command line on a real store: demo, verify, token and projections rebuild."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from typer.testing import CliRunner

from api import cli
from api.demo import STORIES
from infra.services import Services, open_services
from infra.settings import Settings
from infra.tokens import TokenKeys
from projections.audit_trail import AuditFilter, AuditTrail
from projections.lot_safety import tables as lot_safety
from tests.integrity.test_verify import tamper
from tests.projections.test_exactly_once import view_rows

SECRET = "cli-test-secret-that-is-long-enough-for-hs256-keys"


@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> None:
    """What `Settings()` reads when a command runs: all of it under this test's tmp_path."""
    for name, value in {"DATABASE_URL": f"sqlite:///{tmp_path}/mesoledger.db",
                        "VAR_DIR": tmp_path / "var",
                        "SIGNING_KEY_PATH": tmp_path / "keys" / "checkpoint-signing.key",
                        "JWT_SECRET": SECRET}.items():
        monkeypatch.setenv(f"MESOLEDGER_{name}", str(value))


@pytest.fixture
def store(cli_env, database_url, monkeypatch) -> Settings:
    """The commands' store on each backend (SQLite file, fresh PostgreSQL schema)."""
    monkeypatch.setenv("MESOLEDGER_DATABASE_URL", database_url)
    return Settings()


def run(*args: str):
    return CliRunner().invoke(cli.app, list(args))


def demo_loaded():
    result = run("demo")
    assert result.exit_code == 0, result.output
    return result


@contextmanager
def opened(settings: Settings) -> Iterator[Services]:
    services = open_services(settings)
    try:
        yield services
    finally:
        services.close()


def read(settings: Settings, query, *args, **kwargs):
    """A view's query (a function, or the name of one of the directory's) on `settings`."""
    with opened(settings) as services, services.views.transaction(write=False) as tx:
        query = getattr(services.directory, query) if isinstance(query, str) else query
        return query(tx, *args, **kwargs)


def events_of_type(tx, event_type: str) -> list[dict]:
    return AuditTrail.page(tx, AuditFilter(event_type=event_type), limit=1000)


# --- demo -----------------------------------------------------------------------------


def test_demo_records_both_clinics_and_brings_the_views_up_to_date(store):
    output = demo_loaded().output
    with opened(store) as services:
        assert services.runner.wait_for(services.log_position(), timeout=0)
        with services.views.transaction(write=False) as tx:
            directory = {clinic: services.directory.search(tx, clinic)
                         for clinic in ("clinic-a", "clinic-b")}
            indications = {row[0] for row in tx.rows("SELECT indication FROM area_progress")}
            voids = events_of_type(tx, "EntryVoided")
            adverse_events = events_of_type(tx, "AdverseEventReported")
    for clinic, patients in directory.items():
        assert {p["mrn"] for p in patients} == {s.mrn for s in STORIES if s.clinic == clinic}
    assert len(directory["clinic-a"]) >= 6 and len(directory["clinic-b"]) == 1
    assert {"cellulite", "skin_rejuvenation", "localised_fat"} <= indications
    assert [p["status"] for p in directory["clinic-a"]].count("ineligible") == 1
    assert (len(voids), len(adverse_events)) == (2, 1)  # a consent and an injection voided
    assert "planning a course for stretch marks refused (not_eligible)" in output


def test_demo_patient_found_ineligible_has_no_course(store):
    demo_loaded()
    with opened(store) as services:
        patient_id = services.records.patient_by_mrn("clinic-a", "A-1006")
        screening = services.records.patient(patient_id).screening
        entry = read(store, "entry", patient_id)
    assert (screening.result, screening.reasons) == ("ineligible", ("pregnancy",))
    assert entry["active_courses"] == 0


def test_demo_run_twice_records_nothing_the_second_time(store):
    demo_loaded()
    with opened(store) as services:
        loaded_at = services.log_position()
    again = demo_loaded()
    with opened(store) as services:
        assert services.log_position() == loaded_at
    assert "already loaded: nothing recorded" in again.output
    assert len(read(store, "search", "clinic-a")) == sum(
        s.clinic == "clinic-a" for s in STORIES)


# --- verify ---------------------------------------------------------------------------


def test_verify_passes_an_untouched_store(store):
    demo_loaded()
    result = run("verify")
    with opened(store) as services:
        events = services.log_position()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok") and f"{events} events verified" in result.stdout


def test_verify_names_the_position_of_a_flipped_byte(store):
    demo_loaded()
    position = read(store, events_of_type, "Injected")[5]["position"]
    with opened(store) as services:
        state = bytearray(services.records.recorder.select_notifications(position, 1)[0].state)
    state[len(state) // 2] ^= 0x01
    tamper(store, "UPDATE {table} SET state = ? WHERE {id} = ?", (bytes(state), position))
    result = run("verify")
    assert result.exit_code == 1
    assert (f"FAILED at log position {position}: the event at position {position} was changed"
            in result.stderr)


# --- token ----------------------------------------------------------------------------


def test_token_carries_the_given_claims_under_the_configured_secret(cli_env):
    result = run("token", "--sub", "u-nurse-1", "--name", "Nurse Tom Baker", "--role", "nurse",
                 "--clinic", "clinic-a", "--ttl", "30")
    assert result.exit_code == 0, result.output
    claims = TokenKeys.from_settings(Settings()).decode(result.stdout.strip())
    assert {k: claims[k] for k in ("sub", "name", "role", "clinic")} == {
        "sub": "u-nurse-1", "name": "Nurse Tom Baker", "role": "nurse", "clinic": "clinic-a"}
    assert claims["exp"] - claims["iat"] == 30 * 60


@pytest.mark.parametrize("role, clinic", [("surgeon", "clinic-a"), ("regulator", "clinic-a"),
                                          ("clinician", "*")])
def test_token_for_an_unknown_role_or_a_role_outside_its_clinic_is_refused(cli_env, role,
                                                                          clinic):
    result = run("token", "--sub", "u-9", "--name", "Sam Doe", "--role", role,
                 "--clinic", clinic)
    assert result.exit_code != 0
    assert result.stdout == ""


# --- projections rebuild --------------------------------------------------------------


def test_rebuilt_views_equal_the_views_before(store):
    demo_loaded()
    with opened(store) as services:
        before, events = view_rows(services.runner), services.log_position()
        everything = run("projections", "rebuild")
        after_all = view_rows(services.runner)
        audit_only = run("projections", "rebuild", "audit_trail")
        after_audit = view_rows(services.runner)
    assert everything.exit_code == 0, everything.output
    assert audit_only.exit_code == 0, audit_only.output
    assert f"audit_trail: {events} events replayed" in audit_only.stdout
    assert len(before["audit_trail"]) == events
    assert after_all == before and after_audit == before


def test_rebuilding_an_unknown_view_is_refused(store):
    result = run("projections", "rebuild", "audit_trial")
    assert result.exit_code != 0
    assert "unknown view ['audit_trial']" in result.output


# --- recall ---------------------------------------------------------------------------


def test_recall_prints_every_exposure_to_a_lot_as_csv(store):
    demo_loaded()
    result = run("recall", "CAF-2411")

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and {row["lot"] for row in rows} == {"CAF-2411"}
    expected = read(store, lot_safety.exposures, "CAF-2411")
    assert [(r["patient_id"], r["date"]) for r in rows] == [
        (e["patient_id"], str(e["date"])) for e in expected]
