"""One data directory setting decides where a deployment's files live, so every command
given the same settings finds the same database, development secret and keys."""

from __future__ import annotations

from pathlib import Path

from infra.settings import Settings
from infra.tokens import TokenKeys


def test_a_data_dir_holds_the_database_the_dev_secret_and_every_key(tmp_path, monkeypatch):
    monkeypatch.setenv("MESOLEDGER_DATA_DIR", str(tmp_path / "data"))
    settings = Settings()
    assert settings.database_url == f"sqlite:///{tmp_path}/data/mesoledger.db"
    assert settings.signing_key_path == tmp_path / "data" / "checkpoint-signing.key"
    assert settings.var_dir == tmp_path / "data"


def test_tokens_signed_under_the_same_data_dir_from_another_directory_are_accepted(
        tmp_path, monkeypatch):
    """The mistake: `mesoledger token` run elsewhere made a new secret, and got a 401."""
    monkeypatch.setenv("MESOLEDGER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    token = TokenKeys.from_settings(Settings()).issue("u-1", "Dr Maria Rossi", "clinician",
                                                      "clinic-a")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert TokenKeys.from_settings(Settings()).decode(token)["sub"] == "u-1"
    assert not Path("var").exists()


def test_settings_named_on_their_own_win_over_the_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", database_url="sqlite:///elsewhere.db",
                        signing_key_path=tmp_path / "keys" / "signing.key")
    assert (settings.database_url, settings.signing_key_path) == (
        "sqlite:///elsewhere.db", tmp_path / "keys" / "signing.key")
    assert settings.var_dir == tmp_path / "data"


def test_without_a_data_dir_the_defaults_stay_under_var_in_the_working_directory(monkeypatch):
    monkeypatch.delenv("MESOLEDGER_DATA_DIR", raising=False)
    monkeypatch.delenv("MESOLEDGER_VAR_DIR", raising=False)
    monkeypatch.delenv("MESOLEDGER_DATABASE_URL", raising=False)
    settings = Settings()
    assert (settings.database_url, settings.var_dir) == ("sqlite:///./var/mesoledger.db",
                                                         Path("var"))
