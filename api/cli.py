"""The `mesoledger` command line: serve, worker, token, demo, verify, export, recall, witness;
staff, projections and keys (their own modules)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from api import staff_cli, upkeep_cli
from infra.settings import Settings

app = typer.Typer(help="mesoledger: clinical records for mesotherapy clinics.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(upkeep_cli.projections, name="projections")
app.add_typer(upkeep_cli.keys, name="keys")
app.add_typer(staff_cli.staff, name="staff")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000,
          no_projections: Annotated[bool, typer.Option(
              "--no-projections", help="Leave the views to `mesoledger worker` processes "
              "(PostgreSQL).")] = False) -> None:
    """Serve the HTTP interface (views kept in-process unless --no-projections)."""
    import uvicorn

    from api.http.app import create_app
    from api.serve_banner import banner
    from api.web.first_admin import link_for_a_new_store

    settings = Settings()
    served = create_app(settings, run_projections=not no_projections)
    typer.echo(banner(settings, host, port))
    if link := link_for_a_new_store(served.state.services, f"http://{host}:{port}"):
        typer.echo(f"  no staff yet: set up the first admin (this link works once):\n  {link}")
    uvicorn.run(served, host=host, port=port, log_level="warning")


@app.command()
def worker() -> None:
    """Keep every view caught up until stopped (one active worker; others stand by)."""
    from infra.worker import main as run

    run()


@app.command()
def token(sub: Annotated[str, typer.Option(help="The user's unique id")],
          name: Annotated[str, typer.Option(help="The user's printed name")],
          role: Annotated[str, typer.Option(help="clinician, nurse, receptionist, auditor "
                                                 "or regulator")],
          clinic: Annotated[str, typer.Option(help="The user's clinic ('*' for regulators)")],
          ttl: Annotated[int, typer.Option(help="Minutes until it expires")] = 480) -> None:
    """Print a bearer token signed with the configured secret."""
    from api.http.auth import caller_of
    from infra.tokens import InvalidTokenError, TokenKeys

    keys = TokenKeys.from_settings(Settings())
    try:
        caller_of({"sub": sub, "name": name, "role": role, "clinic": clinic})
        typer.echo(keys.issue(sub, name, role, clinic, timedelta(minutes=ttl)))
    except InvalidTokenError as error:
        raise typer.BadParameter(str(error)) from None


@app.command()
def demo() -> None:
    """Load a realistic demo clinic (patients, three indications, refusals, a void), then
    bring the views up to date and sign a checkpoint over the log."""
    from api.demo import demo_sign_ins, load_demo_clinic
    from infra.services import open_services

    services = open_services(Settings())
    try:
        for line in load_demo_clinic(services.records):
            typer.echo(line)
        for line in demo_sign_ins(services.staff):
            typer.echo(line)
        _settle(services)
        signed = services.integrity.sign()
        typer.echo(f"checkpoint signed over {signed.size} events by the log key"
                   f" {services.integrity.verifier.vkey}")
    finally:
        services.close()


def _settle(services) -> None:
    """Bring the views (the Merkle log among them) to the end of the log, or exit 2."""
    if not services.settle_views():
        typer.echo("the views could not catch up with the log; is a worker stuck?", err=True)
        raise typer.Exit(2)


@app.command()
def verify() -> None:
    """Check every stored event against every checkpoint kept outside the database and its
    witnesses' cosignatures, trusting no view; then sign a checkpoint over the rest.
    Exit 0 ok, 1 tampering found (naming the first bad position), 2 could not run."""
    from infra.integrity import ViewsDisagreeError
    from infra.outages import DATABASE_UNAVAILABLE
    from infra.services import open_services
    from infra.verification import verify as verify_store

    settings = Settings()
    try:
        services = open_services(settings)
    except DATABASE_UNAVAILABLE as error:
        typer.echo(f"could not run: the store is unreachable ({error})", err=True)
        raise typer.Exit(2) from None
    try:
        verdict = verify_store(services.integrity, settings.witnesses_needed)
        if not verdict.ok:
            typer.echo(f"FAILED at log position {verdict.first_bad_position}:"
                       f" {verdict.problem}", err=True)
            raise typer.Exit(1)
        _settle(services)
        signed = services.integrity.sign()
    except ViewsDisagreeError as error:
        typer.echo(f"FAILED: {error}", err=True)
        raise typer.Exit(1) from None
    except DATABASE_UNAVAILABLE as error:
        typer.echo(f"could not run: the store went away ({error})", err=True)
        raise typer.Exit(2) from None
    finally:
        services.close()
    typer.echo(f"ok: {verdict.events_checked} events verified against"
               f" {verdict.checkpoints_checked} checkpoints; signed at size {signed.size}")


@app.command()
def export(patient_id: Annotated[str, typer.Argument(help="The patient's id")],
           since_checkpoint: Annotated[int | None, typer.Option(
               help="Size of an earlier checkpoint you hold: add the consistency proof")]
           = None) -> None:
    """Print a patient's export (JSON with proofs); check it with
    `python -m api.verify_export EXPORT.json`."""
    import json
    from uuid import UUID

    from infra.exports import export_patient
    from infra.services import open_services

    services = open_services(Settings())
    try:
        _settle(services)
        document = export_patient(services.integrity, UUID(patient_id), since_checkpoint)
    finally:
        services.close()
    typer.echo(json.dumps(document, indent=1))


@app.command()
def recall(lot: Annotated[str, typer.Argument(help="The lot number")],
           clinic: Annotated[str | None, typer.Option(help="Only this clinic")] = None,
           product: Annotated[str | None, typer.Option(
               help="Only this product's lot of that number")] = None) -> None:
    """Print, as CSV, every patient, course, area and date the lot was injected."""
    import csv
    import sys

    from infra.services import open_services
    from projections.lot_safety import tables

    services = open_services(Settings())
    try:
        _settle(services)
        with services.views.transaction(write=False) as tx:
            exposures = tables.exposures(tx, lot, product, clinic)
    finally:
        services.close()
    writer = csv.DictWriter(sys.stdout, fieldnames=tables.EXPOSURE_KEYS)
    writer.writeheader()
    writer.writerows(exposures)


@app.command()
def witness(log: Annotated[list[str], typer.Option(
                help="A log's verifier key (name+id+key) whose checkpoints to cosign; repeat")],
            key: Annotated[Path, typer.Option(help="This witness's Ed25519 key (PEM; made "
                                                   "when missing)")] = Path("var/witness.key"),
            data: Annotated[Path, typer.Option(help="Where it remembers what it cosigned")]
            = Path("var/witness"),
            name: Annotated[str, typer.Option(help="Its key name")] = "",
            host: str = "127.0.0.1", port: int = 8700) -> None:
    """Run a checkpoint witness: cosign only checkpoints that extend the last one cosigned."""
    import uvicorn

    from api.witness.server import open_witness

    witness = open_witness(key, data, log, name)
    typer.echo(f"witness {witness.signer.verifier.vkey}\n  http://{host}:{port}/add-checkpoint")
    try:
        uvicorn.run(witness.app(), host=host, port=port, log_level="warning")
    finally:
        witness.store.close()


def main() -> None:
    from infra.key_files import KeyMissingError

    try:
        app()
    except KeyMissingError as refusal:
        typer.echo(f"mesoledger: {refusal}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":  # `python -m api.cli`, as the server banner may print it
    main()
