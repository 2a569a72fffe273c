"""Settings: the only place that reads the environment (prefix MESOLEDGER_)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.values import ClinicPolicy
from domain.vocabulary import ROLES
from projections.lot_safety.signals import SignalRules


def known_roles(mapping: dict[str, str]) -> dict[str, str]:
    """A claim-value → role map names only mesoledger's roles."""
    unknown = sorted(set(mapping.values()) - ROLES)
    if unknown:
        raise ValueError(f"not roles: {', '.join(unknown)} (roles: {', '.join(sorted(ROLES))})")
    return mapping


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MESOLEDGER_", frozen=True)

    database_url: str = "sqlite:///./var/mesoledger.db"
    key_vault_url: str | None = Field(
        default=None, description="Where patient keys live; the event database by default.")
    cipher_key: str | None = Field(
        default=None, description="Base64 AES key: encrypts every stored event when set.")
    snapshot_interval: int = Field(default=50, ge=2)
    record_cache_size: int = Field(default=1000, ge=0, description="Records kept in memory.")
    screening_validity_days: int = Field(default=30, ge=1, le=365)
    area_session_volume_limit_ml: Decimal = Field(default=Decimal("10"), gt=0)
    retention_years: int = Field(
        default=10, ge=1, le=100, description="Years records are kept after the last entry;"
        " erasure is refused until then.")
    projection_batch_size: int = Field(default=1000, ge=1, le=100_000)
    view_pool_size: int = Field(
        default=10, ge=1, le=50, description="Most PostgreSQL connections one process holds"
        " to the views (a view transaction takes milliseconds; more callers queue).")
    view_pool_wait_seconds: float = Field(
        default=3.0, gt=0, le=60, description="How long a caller waits for a view"
        " connection before the database counts as away (503).")
    var_dir: Path = Path("./var")
    signing_key_path: Path = Field(
        default=Path("./var/checkpoint-signing.key"),
        description="Ed25519 key that signs checkpoints; keep it outside the database.")
    jwt_secret: str | None = Field(
        default=None, description="HS256 secret for bearer tokens; a dev secret is made"
        " under var_dir when neither this nor jwt_public_key_path is set.")
    jwt_public_key_path: Path | None = Field(
        default=None, description="PEM public key: accept RS256 tokens from an identity"
        " provider instead of HS256.")
    read_wait_seconds: float = Field(
        default=5.0, gt=0, le=60, description="How long a read waits for ?min_position.")
    log_origin: str | None = Field(
        default=None, description="The origin line of this deployment's checkpoints (and"
        " its log key's name); by default derived from the signing key.")
    checkpoint_file: Path | None = Field(
        default=None, description="Where checkpoints are kept outside the database;"
        " by default checkpoints.ndjson beside the signing key.")
    witnesses: list[str] = Field(
        default_factory=list, description="The witnesses that cosign checkpoints, each"
        " 'VKEY@URL' (as `mesoledger witness` prints it); a JSON list in the environment.")
    witnesses_needed: int = Field(
        default=0, ge=0, description="Cosignatures `verify` requires on the newest"
        " checkpoint.")
    checkpoint_every_events: int = Field(default=10_000, ge=1, description="A checkpoint is"
                                         " signed after this many new events ...")
    checkpoint_every_seconds: float = Field(default=60.0, gt=0, description="... or this"
                                            " long after the last, if anything was recorded.")
    key_encryption_key_path: Path | None = Field(
        default=None, description="File holding the key-encryption key that wraps every"
        " patient key (default: key-encryption.key under var_dir, made 0600 on first use);"
        " keep it, and a backup of it, apart from the database.")
    key_encryption_key: str | None = Field(
        default=None, description="Base64 key-encryption key from an environment secret;"
        " when set, no file is read or made.")
    previous_key_encryption_key: str | None = Field(
        default=None, description="Base64 key-encryption key being rotated away from (an"
        " environment secret): it only unwraps, until `mesoledger keys rotate` is done.")
    index_key_path: Path | None = Field(
        default=None, description="File holding the key of the patient directory's blind"
        " index (default: directory-index.key under var_dir, made 0600 on first use).")
    index_key: str | None = Field(
        default=None, description="Base64 blind-index key from an environment secret.")
    late_entry_hours: int = Field(
        default=24, ge=1, le=24 * 30, description="An entry recorded more than this many hours"
        " after its clinical time is a late entry: it needs a late_entry_reason.")
    max_backdating_days: int = Field(
        default=30, ge=1, le=3650, description="Entries dated further back are refused.")
    session_interval_tolerance_days: int = Field(
        default=2, ge=0, le=90, description="How much sooner than the plan's interval the"
        " next session in an area may be, without a written override.")
    # Safety signals (GET /v1/signals): when a lot raises one.
    signal_window_days: int = Field(
        default=84, ge=1, le=365, description="An adverse event counts for the lots its"
        " course was injected with this many days before its onset (12 weeks).")
    signal_infections: int = Field(
        default=2, ge=1, le=1000, description="Infections after injections of one lot, in"
        " any clinics, that raise a signal.")
    signal_rate_ratio: Decimal = Field(
        default=Decimal(3), gt=1, le=100, description="A lot's adverse-event rate this many"
        " times its product's raises a signal ...")
    signal_rate_min_events: int = Field(
        default=3, ge=1, le=1000, description="... with at least this many adverse events.")

    @property
    def signal_rules(self) -> SignalRules:
        return SignalRules(self.signal_window_days, self.signal_infections,
                           self.signal_rate_ratio, self.signal_rate_min_events)

    # Where a deployment's files live (issue 21), so that `mesoledger token` run from any
    # directory signs with the secret the server uses.
    data_dir: Path | None = Field(
        default=None, description="The directory of the SQLite file, the development token"
        " secret, the key files and the checkpoint key, unless their own settings say"
        " otherwise (`var_dir` is its older name; default ./var, relative to the working"
        " directory).")

    @model_validator(mode="after")
    def _files_in_the_data_dir(self) -> Settings:
        """A data directory given (or var_dir) also moves the SQLite file and the checkpoint
        key there, unless they were given themselves; with neither, all stays as it was."""
        given = self.model_fields_set
        if "data_dir" not in given and "var_dir" not in given:
            return self
        folder = self.data_dir if "data_dir" in given and self.data_dir else self.var_dir
        moved = {"data_dir": folder, "var_dir": folder}
        if "database_url" not in given:
            moved["database_url"] = f"sqlite:///{folder / 'mesoledger.db'}"
        if "signing_key_path" not in given:
            moved["signing_key_path"] = folder / "checkpoint-signing.key"
        for name, value in moved.items():  # a frozen model: set once, while validating
            object.__setattr__(self, name, value)
        return self
    # --- staff accounts and sign-in (issue 22) ---
    password_hash_time_cost: int = Field(
        default=2, ge=1, le=20, description="argon2id passes over memory per password hash.")
    password_hash_memory_kib: int = Field(
        default=47_104, ge=8, le=4_194_304, description="argon2id memory per password hash"
        " (KiB); with the defaults a sign-in takes about 170 ms here (bench/sign_in.py).")
    password_hash_parallelism: int = Field(default=1, ge=1, le=16)
    sign_in_failures_before_lockout: int = Field(
        default=5, ge=1, le=100, description="Failed sign-ins in a row that lock an account.")
    sign_in_lockout_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="How long a locked account stays locked.")
    session_idle_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="A session unused this long ends itself.")
    session_token_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="Lifetime of a bearer token from sign-in.")
    staff_accounts_required: bool = Field(
        default=False, description="Refuse bearer tokens whose `sub` is no staff account"
        " (tokens from `mesoledger token` for made-up users); set it in production.")

    # OpenID Connect: bearer tokens and web sign-in from the clinic's identity provider.
    oidc_issuer: str | None = Field(
        default=None, description="The provider's issuer URL (exactly as its tokens' iss);"
        " unset: no provider tokens are accepted.")
    oidc_audience: str | None = Field(
        default=None, description="The aud a provider access token must carry (this API's"
        " identifier at the provider).")
    oidc_client_id: str | None = Field(
        default=None, description="This server's client id at the provider (web sign-in;"
        " also the aud of the provider's ID tokens).")
    oidc_client_secret: str | None = Field(
        default=None, description="This server's client secret at the provider.")
    oidc_redirect_url: str | None = Field(
        default=None, description="Where the provider sends the browser back:"
        " https://HOST/auth/oidc/callback.")
    oidc_scope: str = Field(
        default="openid email profile", description="The scopes web sign-in asks for: enough"
        " for the ID token to carry the e-mail and the role and clinic claims.")
    oidc_algorithms: list[str] = Field(
        default_factory=lambda: ["RS256", "ES256"], description="Signature algorithms"
        " accepted from the provider (only RS256 and ES256 are ever allowed).")
    oidc_role_claim: str = Field(default="groups", description="The claim naming the role(s).")
    oidc_roles: Annotated[dict[str, str], AfterValidator(known_roles)] = Field(
        default_factory=dict, description="Value of the role claim → mesoledger role, e.g."
        ' {"meso-clinicians": "clinician"}; a JSON object in the environment.')
    oidc_clinic_claim: str | None = Field(
        default="clinic", description="The claim naming the clinic (unset: oidc_clinic).")
    oidc_clinic: str | None = Field(
        default=None, description="The clinic of every provider sign-in, when the provider"
        " serves one clinic and sends no clinic claim.")
    oidc_match_by: Literal["email", "subject"] = Field(
        default="email", description="How a provider identity finds its staff account: its"
        " e-mail, or its subject (a provider that sends the staff id as sub).")
    oidc_keys_ttl_seconds: float = Field(
        default=600.0, gt=0, le=86_400, description="How long the provider's published"
        " keys are kept before they are fetched again.")
    oidc_refetch_seconds: float = Field(
        default=30.0, ge=0, le=3600, description="At most one fetch of the provider's keys"
        " this often for a token whose key id is unknown (rotation is picked up, a flood of"
        " made-up key ids is not passed on to the provider).")

    # --- electronic signatures (issue 22) ---
    unsigned_after_days: int = Field(
        default=7, ge=1, le=3650, description="An entry of a clinician or nurse still without"
        " its author's signature (or a named supervisor's co-signature) this many days after"
        " it happened is listed for auditors at GET /v1/signatures/unsigned.")

    @property
    def policy(self) -> ClinicPolicy:
        return ClinicPolicy(self.screening_validity_days, self.area_session_volume_limit_ml,
                            self.retention_years, self.late_entry_hours,
                            self.max_backdating_days, self.session_interval_tolerance_days)
