"""The first admin of a new store: `serve` on a store with no staff prints a one-time link
(an invite whose SHA-256 alone is kept under var_dir); the page it opens creates one admin
account, shows its second-factor secret once, and spends the invite."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from projections.staff_list import StaffList

INVITE_FILE = "first-admin.invite"


def link_for_a_new_store(services, base_url: str) -> str | None:
    """The one-time link to set up the first admin, on a store with no staff (None
    otherwise). Run before the server starts: the views are brought up to date here."""
    services.settle_views()
    if has_staff(services, settled=True):
        return None
    return f"{base_url}/setup?invite={issue_invite(services.settings.var_dir)}"


def has_staff(services, settled: bool = False) -> bool:
    """Whether any staff account exists (the staff list, caught up with the log)."""
    if not settled:
        services.wait_for_log()
    with services.views.transaction(write=False) as tx:
        return bool(StaffList.of_clinic(tx, None))


def issue_invite(var_dir: Path) -> str:
    """A new one-time invite (any earlier one stops working)."""
    invite = secrets.token_urlsafe(24)
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / INVITE_FILE
    partial = path.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(_hashed(invite))
    partial.replace(path)
    return invite


def invite_holds(var_dir: Path, invite: str) -> bool:
    path = var_dir / INVITE_FILE
    return path.exists() and hmac.compare_digest(path.read_text().strip(), _hashed(invite))


def spend_invite(var_dir: Path) -> None:
    (var_dir / INVITE_FILE).unlink(missing_ok=True)


def _hashed(invite: str) -> str:
    return hashlib.sha256(invite.encode()).hexdigest()
