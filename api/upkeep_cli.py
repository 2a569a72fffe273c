"""`mesoledger projections …` and `mesoledger keys …`: rebuild the read views, rotate the
key-encryption key (both with servers and workers stopped)."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from infra.settings import Settings

projections = typer.Typer(help="Look after the read views.", no_args_is_help=True)
keys = typer.Typer(help="Look after the keys that keep personal data unreadable in a copy"
                   " of the database.", no_args_is_help=True)


@projections.command("rebuild")
def rebuild(name: Annotated[str | None, typer.Argument(help="One view; all when omitted")]
            = None) -> None:
    """Drop a view (or all) and replay it from the start of the log."""
    from infra.services import open_services

    services = open_services(Settings())
    runner = services.runner
    try:
        names = [name] if name else list(runner.projections)
        unknown = set(names) - set(runner.projections)
        if unknown:
            raise typer.BadParameter(f"unknown view {sorted(unknown)}; "
                                     f"one of {sorted(runner.projections)}")
        typer.echo("waiting for the runner lock (stop running workers or servers)...")
        with runner.lock.held(threading.Event()):
            replayed = runner.rebuild(*names)  # one pass over the log for all of them
            typer.echo(f"{', '.join(names)}: {replayed} events replayed")
    finally:
        services.close()


@keys.command("rotate")
def rotate_keys(batch: Annotated[int, typer.Option(min=1, help="Keys rewrapped per"
                                                   " transaction")] = 500) -> None:
    """Rewrap every patient key and staff second-factor key under a new key-encryption key,
    touching no event. Stop servers and workers first; if interrupted, run it again."""
    from infra.key_rotation import rotate

    rotation = rotate(Settings(), batch)
    typer.echo(f"{rotation.rewrapped} keys rewrapped (patients' personal data and staff"
               f" second factors): every key is now under"
               f" key-encryption key {rotation.key_id}")
