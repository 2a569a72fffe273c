"""`mesoledger staff …`: open, list, deactivate accounts and reset passwords from the
command line (the first admin of a clinic, a regulator's account, a locked-out admin)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated
from uuid import UUID

import typer

from infra.settings import Settings

staff = typer.Typer(help="Look after staff accounts.", no_args_is_help=True)


def _actor():
    from domain.values import Actor

    return Actor("command-line", f"command line ({getpass.getuser()})", "admin")


def _password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _refusing(run):
    """Run a step; a refusal exits 1 with its words (nothing was recorded)."""
    from domain.errors import InvalidEntry, NotFoundError, RuleViolation

    try:
        return run()
    except InvalidEntry as error:
        typer.echo(f"refused: {error.field}: {error.problem}", err=True)
    except RuleViolation as error:
        typer.echo(f"refused ({error.rule}): {error.detail}", err=True)
    except NotFoundError:
        typer.echo("refused: no such staff member", err=True)
    raise typer.Exit(1)


def _services():
    from infra.services import open_services

    return open_services(Settings())


@staff.command("add")
def add(clinic: Annotated[str, typer.Option(help="The clinic ('*' for a regulator)")],
        role: Annotated[list[str], typer.Option(help="clinician, nurse, receptionist,"
                                                " auditor, admin or regulator; repeat")],
        name: Annotated[str, typer.Option(help="The printed name")],
        email: Annotated[str, typer.Option(help="The e-mail the person signs in with")],
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="Read the password from standard input")] = False
        ) -> None:
    """Open an account; prints the new staff id as the last line (an admin's or
    regulator's second-factor secret before it, this once)."""
    password = _password(password_stdin)
    services = _services()
    try:
        new = _refusing(lambda: services.staff.accounts.add(clinic, name, email, role,
                                                            password, _actor()))
    finally:
        services.close()
    if new.totp_secret:
        import pyotp

        uri = pyotp.TOTP(new.totp_secret).provisioning_uri(name=email,
                                                           issuer_name="mesoledger")
        typer.echo(f"second factor (shown once): {new.totp_secret}\n  {uri}")
    typer.echo(str(new.recorded.id))


@staff.command("list")
def list_staff(clinic: Annotated[str | None, typer.Option(help="Only this clinic")] = None
               ) -> None:
    """Every account: id, clinic, roles, active, e-mail, name (tab-separated)."""
    from projections.staff_list import StaffList

    services = _services()
    try:
        services.settle_views()
        with services.views.transaction(write=False) as tx:
            accounts = StaffList.of_clinic(tx, clinic)
    finally:
        services.close()
    for account in accounts:
        typer.echo("\t".join([account["staff_id"], account["clinic"], ",".join(
            account["roles"]), "active" if account["active"] else "inactive",
            account["email"], account["name"]]))


@staff.command("deactivate")
def deactivate(staff_id: Annotated[UUID, typer.Argument(help="The staff id")],
               reason: Annotated[str, typer.Option(help="Why")] = "deactivated by an admin"
               ) -> None:
    """Close an account: its tokens and sessions stop working at once."""
    services = _services()
    try:
        _refusing(lambda: services.staff.accounts.deactivate(staff_id, reason, _actor(),
                                                             services.clock()))
    finally:
        services.close()
    typer.echo(f"{staff_id} deactivated")


@staff.command("reset-password")
def reset_password(staff_id: Annotated[UUID, typer.Argument(help="The staff id")],
                   password_stdin: Annotated[bool, typer.Option(
                       "--password-stdin", help="Read the password from standard input")]
                   = False) -> None:
    """Set a new password for an account: it lifts a lockout and ends its sessions."""
    password = _password(password_stdin)
    services = _services()
    try:
        _refusing(lambda: services.staff.accounts.reset_password(staff_id, password,
                                                                 _actor(), services.clock()))
    finally:
        services.close()
    typer.echo(f"{staff_id}: password reset")
