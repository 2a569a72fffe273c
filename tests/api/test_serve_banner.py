"""The token command `mesoledger serve` prints runs as printed, from anywhere: the
installation's own command by its absolute path, with the data directory it must sign in."""

from __future__ import annotations

import shlex
from pathlib import Path

from api.serve_banner import banner, token_command
from infra.settings import Settings


def test_the_printed_token_command_names_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MESOLEDGER_JWT_SECRET", raising=False)
    printed = token_command(Settings(data_dir=Path("relative data")))
    assignment, command, *args = shlex.split(printed)
    assert assignment == f"MESOLEDGER_DATA_DIR={tmp_path / 'relative data'}"
    assert Path(command).is_absolute() and Path(command).exists()
    assert args[:1] == ["token"]


def test_a_server_with_a_configured_secret_or_provider_says_what_signing_needs():
    assert "MESOLEDGER_JWT_SECRET" in token_command(Settings(jwt_secret="s" * 40))
    provider = Settings(jwt_public_key_path=Path("/etc/idp.pem"))
    assert "identity provider" in token_command(provider)
    assert "docs:  http://127.0.0.1:8123/docs" in banner(provider, "127.0.0.1", 8123)
