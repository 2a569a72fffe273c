"""The directory's tables and its writes. No column holds personal data in clear: `sealed`
is the event's sealed personal data, `directory_words` keyed hashes of name words."""

from __future__ import annotations

from projections.base import Insert, ViewTransaction

TABLES = ("patient_directory", "directory_courses", "directory_words", "directory_search_key",
          "directory_entries")
COLUMNS = ("patient_id", "clinic", "mrn", "sealed", "status", "active_courses")

CREATE = (
    "CREATE TABLE IF NOT EXISTS patient_directory (patient_id TEXT PRIMARY KEY,"
    " clinic TEXT NOT NULL, mrn TEXT NOT NULL, mrn_key TEXT NOT NULL, sealed TEXT NOT NULL,"
    " status TEXT NOT NULL, active_courses INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS directory_in_mrn_order"
    " ON patient_directory (clinic, mrn, patient_id)",
    "CREATE INDEX IF NOT EXISTS directory_by_mrn ON patient_directory (clinic, mrn_key)",
    "CREATE TABLE IF NOT EXISTS directory_courses (course_id TEXT PRIMARY KEY,"
    " patient_id TEXT NOT NULL, status TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS directory_words (word TEXT NOT NULL,"
    " patient_id TEXT NOT NULL, PRIMARY KEY (word, patient_id))",
    "CREATE INDEX IF NOT EXISTS directory_words_by_patient"
    " ON directory_words (patient_id, word)",
    # Each screening result and sealed personal data by entry, so a void puts back the one
    # before: kind 'screening' (value: the result) or 'personal_data' (value: sealed).
    "CREATE TABLE IF NOT EXISTS directory_entries (patient_id TEXT NOT NULL,"
    " version INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (patient_id, version))",
)
SEARCH_KEY = ("CREATE TABLE IF NOT EXISTS directory_search_key (one INTEGER PRIMARY KEY,"
              " key_id TEXT NOT NULL)")
RECORD_KEY = ("INSERT INTO directory_search_key (one, key_id) VALUES (1, ?)"
              " ON CONFLICT (one) DO NOTHING")
RECORD_ENTRIES = ("INSERT INTO directory_search_key (one, key_id) VALUES (2, 'entries')"
                  " ON CONFLICT (one) DO NOTHING")  # row 2: directory_entries kept since

# One write per statement per batch, in this order. Rows of one statement keep log order;
# the statements commute otherwise: they set different columns, counts are sums, and a
# course closes at most once (completed and discontinued are final). Index entries are
# written after them all (PatientDirectory._index).
REGISTER = Insert("patient_directory", ("patient_id", "clinic", "mrn", "mrn_key", "sealed",
                                        "status", "active_courses"))
RESEAL = "UPDATE patient_directory SET sealed = ? WHERE patient_id = ?"
ERASE = "UPDATE patient_directory SET sealed = '' WHERE patient_id = ?"
SCREEN = "UPDATE patient_directory SET status = ? WHERE patient_id = ?"
PLAN = Insert("directory_courses", ("course_id", "patient_id", "status"))
OPEN_COURSE = ("UPDATE patient_directory SET active_courses = active_courses + 1"
               " WHERE patient_id = ?")
CLOSE_COURSE = ("UPDATE patient_directory SET active_courses = active_courses - 1"
                " WHERE patient_id = (SELECT patient_id FROM directory_courses"
                " WHERE course_id = ? AND status IN ('active', 'suspended'))")
SET_STATUS = "UPDATE directory_courses SET status = ? WHERE course_id = ?"
REMEMBER = Insert("directory_entries", ("patient_id", "version", "kind", "value"))
FORGET = "DELETE FROM directory_entries WHERE patient_id = ? AND version = ?"
_LATEST = ("(SELECT value FROM directory_entries WHERE patient_id = ? AND kind = '{}'"
           " ORDER BY version DESC LIMIT 1)")
RESCREEN = (f"UPDATE patient_directory SET status = COALESCE({_LATEST.format('screening')}, ?)"
            " WHERE patient_id = ?")
UNAMEND = (f"UPDATE patient_directory SET sealed = {_LATEST.format('personal_data')}"
           " WHERE patient_id = ? AND sealed <> ''")
STATEMENTS = (REGISTER, RESEAL, ERASE, SCREEN, PLAN, OPEN_COURSE, CLOSE_COURSE, SET_STATUS,
              REMEMBER, FORGET, RESCREEN, UNAMEND)  # a void's after the entries it forgets
WORDS = Insert("directory_words", ("word", "patient_id"))
FORGET_WORDS = "DELETE FROM directory_words WHERE patient_id = ?"


def create_tables(tx: ViewTransaction, view: str, key_id: str) -> str:
    """Create the tables; return the index key id the directory is indexed under.

    A directory built before it had a search key (names and their search form in clear), or
    before it kept each screening and personal data by entry (so a void could put the one
    before back), is dropped and its position forgotten, so the runner builds it again from
    the log."""
    tx.execute(SEARCH_KEY)
    current = len(tx.rows("SELECT one FROM directory_search_key WHERE one IN (1, 2)")) == 2
    if not current and tx.one("SELECT 1 FROM projection_positions WHERE name = ?", (view,)):
        for table in TABLES:
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        tx.execute("DELETE FROM projection_positions WHERE name = ?", (view,))
        tx.execute(SEARCH_KEY)
    for statement in CREATE:
        tx.execute(statement)
    tx.execute(RECORD_KEY, (key_id,))
    tx.execute(RECORD_ENTRIES)
    return tx.one("SELECT key_id FROM directory_search_key WHERE one = 1")[0]
