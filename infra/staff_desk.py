"""Wiring: staff accounts, their credentials and sessions (beside the key vault), and
sign-in writing to the sign-in log (in the view database), from the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.application import ClinicalRecords
from infra.credentials import CredentialStore, HashingCost, Lockout
from infra.database import Database
from infra.settings import Settings
from infra.side_database import SideDatabase
from infra.sign_in import SessionPolicy, SignIn
from infra.staff_accounts import StaffAccounts
from infra.staff_sessions import StaffSessions
from infra.table_setup import creating_tables
from infra.tokens import TokenKeys
from infra.views import ViewDatabase
from projections.sign_in_log import SignInEntry, SignInLog


@dataclass
class StaffDesk:
    """What the server holds for staff: accounts (`accounts.status(id)`,
    `accounts.by_email(e)`), credentials, and sign-in."""

    accounts: StaffAccounts
    credentials: CredentialStore
    sign_in: SignIn
    side: SideDatabase

    def close(self) -> None:
        self.side.close()


def hashing_cost(settings: Settings) -> HashingCost:
    return HashingCost(settings.password_hash_time_cost, settings.password_hash_memory_kib,
                       settings.password_hash_parallelism)


def open_staff_desk(settings: Settings, records: ClinicalRecords, views: ViewDatabase,
                    tokens: TokenKeys, clock: Callable[[], datetime]) -> StaffDesk:
    database = Database(settings.key_vault_url or settings.database_url)
    side = SideDatabase(database)
    with creating_tables(database):
        credentials = CredentialStore(side, records.vault, hashing_cost(settings), Lockout(
            settings.sign_in_failures_before_lockout,
            timedelta(minutes=settings.sign_in_lockout_minutes)))
        sessions = StaffSessions(side)
    with creating_tables(views.database):
        with views.transaction() as tx:
            SignInLog.create(tx, postgres=views.is_postgres)

    def log(entry: SignInEntry) -> None:
        with views.transaction() as tx:
            SignInLog.record(tx, entry)

    accounts = StaffAccounts(records, credentials, sessions)
    policy = SessionPolicy(timedelta(minutes=settings.session_idle_minutes),
                           timedelta(minutes=settings.session_token_minutes),
                           settings.staff_accounts_required)
    return StaffDesk(accounts, credentials,
                     SignIn(accounts, credentials, sessions, tokens, log, clock, policy), side)
