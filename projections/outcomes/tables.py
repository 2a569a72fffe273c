"""The outcomes registry's tables, and every query of them (the tally's: tally.py)."""

from __future__ import annotations

from projections.base import Insert, ViewTransaction, execute_in, rows_in
from projections.outcomes import tally
from projections.outcomes.facts import Mix, Score

TABLES = ("outcome_patients", "outcome_courses", "outcome_mixes", "outcome_scores",
          "outcome_protocols", *tally.TABLES, "outcome_shape")
SHAPE = 3
"""Kept in outcome_shape: a view an earlier version kept (another shape, or none) is replayed
anew."""

DDL = (
    "CREATE TABLE IF NOT EXISTS outcome_patients (patient_id TEXT PRIMARY KEY,"
    " age_years INTEGER NOT NULL, skin_type TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outcome_courses (course_id TEXT PRIMARY KEY,"
    " patient_id TEXT NOT NULL, clinic TEXT NOT NULL, indication TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outcome_mixes (course_id TEXT NOT NULL,"
    " version INTEGER NOT NULL, formulation_version INTEGER NOT NULL, protocol_id TEXT,"
    " ratio_band TEXT NOT NULL, voided INTEGER NOT NULL, PRIMARY KEY (course_id, version))",
    "CREATE TABLE IF NOT EXISTS outcome_scores (course_id TEXT NOT NULL,"
    " version INTEGER NOT NULL, area TEXT NOT NULL, laterality TEXT NOT NULL,"
    " scale TEXT NOT NULL, kind TEXT NOT NULL, session INTEGER NOT NULL,"
    " score TEXT NOT NULL, voided INTEGER NOT NULL, PRIMARY KEY (course_id, version))",
    # The registry reads the tally, not the scores by scale: an index kept up for no reader.
    "DROP INDEX IF EXISTS outcome_scores_by_scale",
    "CREATE INDEX IF NOT EXISTS outcome_courses_by_patient ON outcome_courses (patient_id)",
    "CREATE TABLE IF NOT EXISTS outcome_protocols (protocol_id TEXT PRIMARY KEY,"
    " clinic TEXT NOT NULL, name TEXT NOT NULL)",
    # Kept by the version before (each course area's points): the tally and memory do without.
    "DROP TABLE IF EXISTS outcome_points",
    *tally.DDL,
    # The view's shape, and how many facts it has taken (see courses.Known).
    "CREATE TABLE IF NOT EXISTS outcome_shape (shape INTEGER NOT NULL,"
    " facts INTEGER NOT NULL)",
)

PATIENT = ("INSERT INTO outcome_patients (patient_id, age_years, skin_type) VALUES (?, ?, ?)"
           " ON CONFLICT (patient_id) DO UPDATE SET age_years = excluded.age_years,"
           " skin_type = excluded.skin_type")
COURSE = Insert("outcome_courses", ("course_id", "patient_id", "clinic", "indication"))
MIX = Insert("outcome_mixes", ("course_id", "version", "formulation_version", "protocol_id",
                               "ratio_band", "voided"))
SCORE = Insert("outcome_scores", ("course_id", "version", "area", "laterality", "scale",
                                  "kind", "session", "score", "voided"))
PROTOCOL = Insert("outcome_protocols", ("protocol_id", "clinic", "name"))


def void(tx: ViewTransaction, table: str, entries: list[tuple[str, int]]) -> None:
    """Mark these entries of outcome_mixes or outcome_scores voided."""
    execute_in(tx, f"UPDATE {table} SET voided = 1 WHERE", ("course_id", "version"), entries)


def count_facts(tx: ViewTransaction, taken: int) -> int:
    """Count the facts of a batch as taken; how many have been, with them (every fact is
    taken once, so a rebuild counts as many as the live view)."""
    return tx.rows("UPDATE outcome_shape SET facts = facts + ? RETURNING facts", [taken])[0][0]


def kept_by_an_earlier_version(tx: ViewTransaction) -> bool:
    """Whether an earlier version kept these tables, in another shape (they are to be
    replayed): its shape is named, or none is but courses are kept."""
    shape = tx.one("SELECT shape FROM outcome_shape")
    if shape is None:
        return tx.one("SELECT 1 FROM outcome_courses LIMIT 1") is not None
    return shape[0] != SHAPE


def mark_shape(tx: ViewTransaction) -> None:
    if tx.one("SELECT shape FROM outcome_shape") is None:
        tx.execute("INSERT INTO outcome_shape (shape, facts) VALUES (?, 0)", (SHAPE,))


# --- queries ----------------------------------------------------------------------------

def courses_of(tx: ViewTransaction, patient_ids: list[str]) -> set[str]:
    """These patients' courses."""
    return {row[0] for row in rows_in(tx, "SELECT course_id FROM outcome_courses WHERE",
                                      "patient_id", patient_ids)}


def courses(tx: ViewTransaction, course_ids: list[str]) -> list[tuple[str, str, str, str]]:
    """course, patient, clinic, indication."""
    return rows_in(tx, "SELECT course_id, patient_id, clinic, indication FROM outcome_courses"
                   " WHERE", "course_id", course_ids)


def live_scores(tx: ViewTransaction, course_ids: list[str]) -> list[Score]:
    return [Score(*row) for row in rows_in(
        tx, f"SELECT {', '.join(Score._fields)} FROM outcome_scores WHERE voided = 0 AND",
        "course_id", course_ids)]


def live_mixes(tx: ViewTransaction, course_ids: list[str]) -> list[Mix]:
    return [Mix(*row) for row in rows_in(
        tx, f"SELECT {', '.join(Mix._fields)} FROM outcome_mixes WHERE voided = 0 AND",
        "course_id", course_ids)]


def patients(tx: ViewTransaction, patient_ids: list[str]) -> list[tuple[str, int, str]]:
    """patient, age, skin type."""
    return rows_in(tx, "SELECT patient_id, age_years, skin_type FROM outcome_patients WHERE",
                   "patient_id", patient_ids)


def protocol_names(tx: ViewTransaction) -> dict[tuple[str, str], str]:
    return {(protocol_id, clinic): name for protocol_id, clinic, name in tx.rows(
        "SELECT protocol_id, clinic, name FROM outcome_protocols")}


def protocols(tx: ViewTransaction, clinic: str | None) -> list[dict]:
    """The clinic's protocols (None: every clinic's), by name."""
    where, params = (" WHERE clinic = ?", [clinic]) if clinic is not None else ("", [])
    rows = tx.rows(f"SELECT protocol_id, clinic, name FROM outcome_protocols{where}"
                   " ORDER BY clinic, name", params)
    return [dict(zip(("protocol_id", "clinic", "name"), row, strict=True)) for row in rows]
