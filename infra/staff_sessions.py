"""Sign-in sessions, kept server-side beside the credentials: a session ends when its
person signs out, when it has been idle too long, or when its account is deactivated.

The cookie carries a random secret; only its SHA-256 is stored, so a copy of the table
signs no one in. A bearer token names its session by id (`sid`), which is no secret.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from infra.side_database import SideDatabase

TABLE = ("CREATE TABLE IF NOT EXISTS staff_sessions (id TEXT PRIMARY KEY,"
         " cookie_hash TEXT NOT NULL UNIQUE, staff_id TEXT NOT NULL, role TEXT NOT NULL,"
         " started_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, ended_at TEXT,"
         " end_reason TEXT)")
COLUMNS = "id, staff_id, role, started_at, last_seen_at, ended_at, end_reason"
TOUCH_EVERY = timedelta(seconds=30)  # a session seen more often is not written each time


@dataclass(frozen=True)
class Session:
    id: str
    staff_id: str
    role: str
    started_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    end_reason: str | None

    @classmethod
    def of(cls, row: tuple) -> Session:
        started, seen, ended = (datetime.fromisoformat(v) if v else None for v in row[3:6])
        return cls(row[0], row[1], row[2], started, seen, ended, row[6])

    def idle(self, now: datetime, limit: timedelta) -> bool:
        return now - self.last_seen_at > limit


class StaffSessions:
    def __init__(self, side: SideDatabase) -> None:
        self.side = side
        side.execute(TABLE)
        side.execute("CREATE INDEX IF NOT EXISTS staff_sessions_by_staff"
                     " ON staff_sessions (staff_id)")

    def start(self, staff_id: str, role: str, now: datetime) -> tuple[Session, str]:
        """A new session, and the secret its cookie carries."""
        secret = secrets.token_urlsafe(32)
        session = Session(str(uuid.uuid4()), staff_id, role, now, now, None, None)
        self.side.execute(f"INSERT INTO staff_sessions ({COLUMNS}, cookie_hash)"
                          " VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)",
                          (session.id, staff_id, role, now.isoformat(), now.isoformat(),
                           _hashed(secret)))
        return session, secret

    def by_id(self, session_id: str) -> Session | None:
        row = self.side.one(f"SELECT {COLUMNS} FROM staff_sessions WHERE id = ?",
                            (session_id,))
        return row and Session.of(row)

    def by_cookie(self, secret: str) -> Session | None:
        row = self.side.one(f"SELECT {COLUMNS} FROM staff_sessions WHERE cookie_hash = ?",
                            (_hashed(secret),))
        return row and Session.of(row)

    def seen(self, session: Session, now: datetime) -> None:
        """Note that the session is in use (written at most every TOUCH_EVERY)."""
        if now - session.last_seen_at >= TOUCH_EVERY:
            self.side.execute("UPDATE staff_sessions SET last_seen_at = ? WHERE id = ?",
                              (now.isoformat(), session.id))

    def end(self, session_id: str, now: datetime, reason: str) -> bool:
        """End a session still open; False if it had ended already."""
        return self.side.execute("UPDATE staff_sessions SET ended_at = ?, end_reason = ?"
                                 " WHERE id = ? AND ended_at IS NULL",
                                 (now.isoformat(), reason, session_id)) == 1

    def end_all(self, staff_id: str, now: datetime, reason: str) -> int:
        """End every open session of an account."""
        return self.side.execute("UPDATE staff_sessions SET ended_at = ?, end_reason = ?"
                                 " WHERE staff_id = ? AND ended_at IS NULL",
                                 (now.isoformat(), reason, staff_id))


def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
