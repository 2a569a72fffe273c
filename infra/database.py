"""Database URLs: which backend, and how the eventsourcing library is told to use it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Database:
    """A parsed `sqlite:///path` or `postgresql://user:pw@host:port/db[?schema=s]` URL."""

    url: str

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        if not self.url.startswith("sqlite:///"):
            raise ValueError(f"not an SQLite URL: {self.url}")
        return Path(self.url.removeprefix("sqlite:///"))

    @property
    def schema(self) -> str:
        return parse_qs(urlsplit(self.url).query).get("schema", ["public"])[0]

    def postgres_conninfo(self) -> str:
        parts = urlsplit(self.url)
        conninfo = (f"host={parts.hostname or '127.0.0.1'} port={parts.port or 5432} "
                    f"dbname={parts.path.lstrip('/')} user={unquote(parts.username or 'postgres')}")
        if parts.password:
            conninfo += f" password={unquote(parts.password)}"
        return conninfo + f" options='-c search_path={self.schema}'"

    def library_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for this database."""
        if self.is_postgres:
            parts = urlsplit(self.url)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": parts.path.lstrip("/"),
                "POSTGRES_HOST": parts.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(parts.port or 5432),
                "POSTGRES_USER": unquote(parts.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(parts.password or ""),
                "POSTGRES_SCHEMA": self.schema,
                # Connections to PostgreSQL, worst case per process. Each pool may open
                # one more than its minimum while it fills at start, even for one thread.
                #   API (40 request threads): library 10 (2 kept open + 8 overflow), views
                #   10 (MESOLEDGER_VIEW_POOL_SIZE), key vault 4 (infra/key_vault.py),
                #   runner lock 1, LISTEN 1, log-reading helper 1 during a long catch-up
                #   (infra/log_reading.py; none of these three with --no-projections) = 27.
                #   Worker (one runner thread): library 3, views 2, key vault 2, lock 1,
                #   LISTEN 1, helper 1 = 10.
                # Two API processes and two workers: at most 2 * 27 + 2 * 10 = 74 of the
                # server's max_connections (100 by default, 3 of them kept for superusers).
                "POSTGRES_POOL_SIZE": "2",
                "POSTGRES_MAX_OVERFLOW": "8",
                # How long a command waits for a connection (whole seconds) before it counts
                # as failed; the library tries each read or write 10 times, so with the
                # database away a request answers 503 after about 12 s. No check before use
                # (a round trip per read): after a restart a dead connection fails its try,
                # is dropped, and the next try gets a fresh one.
                "POSTGRES_CONNECT_TIMEOUT": "1",
            }
        path = self.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "30"}
