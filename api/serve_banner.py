"""What `mesoledger serve` prints as it starts: where the docs are, and a token command that
runs as printed, from any directory: the command's absolute path, and the data directory
whose development secret the server signs with."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from infra.settings import Settings

SAMPLE = ("token", "--sub", "u-1", "--name", "Dr Maria Rossi", "--role", "clinician",
          "--clinic", "clinic-a")


def banner(settings: Settings, host: str, port: int) -> str:
    return (f"mesoledger on {settings.database_url}\n"
            f"  web:   http://{host}:{port}/\n"
            f"  docs:  http://{host}:{port}/docs\n"
            f"  token: {token_command(settings)}")


def token_command(settings: Settings) -> str:
    """The command that signs a token this server accepts."""
    if settings.jwt_public_key_path is not None:
        return "from your identity provider (RS256; this server signs none)"
    command = shlex.join([*_mesoledger(), *SAMPLE])
    if settings.jwt_secret is not None:
        return f"{command}  (with this server's MESOLEDGER_JWT_SECRET set)"
    data_dir = shlex.quote(str(Path(settings.var_dir).absolute()))
    return f"MESOLEDGER_DATA_DIR={data_dir} {command}"


def _mesoledger() -> list[str]:
    """This installation's `mesoledger` command, by its absolute path."""
    beside = Path(sys.executable).absolute().with_name("mesoledger")
    if beside.exists():
        return [str(beside)]
    return [str(Path(sys.executable).absolute()), "-m", "api.cli"]
