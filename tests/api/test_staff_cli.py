"""`mesoledger staff` on a real store (both backends): an account opened from the command
line signs in over HTTP, and a deactivated one no longer does."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import cli
from api.http.app import create_app
from infra.settings import Settings
from tests.api.test_cli import cli_env  # noqa: F401 (a fixture)

PASSWORD = "a passphrase long enough\n"


@pytest.fixture
def store(cli_env, database_url, monkeypatch) -> Settings:  # noqa: F811
    monkeypatch.setenv("MESOLEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv("MESOLEDGER_PASSWORD_HASH_MEMORY_KIB", "1024")
    monkeypatch.setenv("MESOLEDGER_PASSWORD_HASH_TIME_COST", "1")
    return Settings()


def run(*args: str, stdin: str = ""):
    return CliRunner().invoke(cli.app, list(args), input=stdin)


def sign_in(settings: Settings, email: str, password: str = PASSWORD.strip()) -> str:
    """201, or the problem's type."""
    with TestClient(create_app(settings)) as client:
        answer = client.post("/v1/sessions", json={"email": email, "password": password})
        return "201" if answer.status_code == 201 else answer.json()["type"].split(":")[-1]


def test_account_added_on_the_command_line_signs_in_until_deactivated(store):
    added = run("staff", "add", "--clinic", "clinic-a", "--role", "nurse", "--name",
                "Nurse Tom Baker", "--email", "tom@clinic-a.example.org", "--password-stdin",
                stdin=PASSWORD)
    assert added.exit_code == 0, added.output
    staff_id = added.output.strip().splitlines()[-1]
    listed = run("staff", "list")
    assert f"{staff_id}\tclinic-a\tnurse\tactive\ttom@clinic-a.example.org" in listed.output
    assert sign_in(store, "tom@clinic-a.example.org") == "201"
    assert run("staff", "deactivate", staff_id).exit_code == 0
    assert sign_in(store, "tom@clinic-a.example.org") == "account_inactive"
    assert "inactive" in run("staff", "list").output


def test_weak_password_on_the_command_line_is_refused_and_opens_no_account(store):
    added = run("staff", "add", "--clinic", "clinic-a", "--role", "nurse", "--name",
                "Nurse Tom Baker", "--email", "tom@clinic-a.example.org", "--password-stdin",
                stdin="short\n")
    assert added.exit_code == 1 and "password" in added.output
    assert run("staff", "list").output == ""


def test_admin_gets_a_second_factor_and_reset_password_lets_them_in(store):
    added = run("staff", "add", "--clinic", "clinic-a", "--role", "admin", "--name",
                "Alex Admin", "--email", "alex@clinic-a.example.org", "--password-stdin",
                stdin=PASSWORD)
    assert added.exit_code == 0, added.output
    assert "second factor (shown once)" in added.output
    staff_id = added.output.strip().splitlines()[-1]
    reset = run("staff", "reset-password", staff_id, "--password-stdin",
                stdin="the new passphrase here\n")
    assert reset.exit_code == 0, reset.output
    assert sign_in(store, "alex@clinic-a.example.org") == "invalid_credentials"
    assert sign_in(store, "alex@clinic-a.example.org",  # the password is right now
                   "the new passphrase here") == "second_factor_required"
