"""The outcomes registry's tables, and every query of them (the tally's: tally.py)."""

from __future__ import annotations

from projections.base import Insert, ViewTransaction, execute_in, rows_in
from projections.outcomes import tally

TABLES = ("outcome_patients", "outcome_courses", "outcome_mixes", "outcome_scores",
          "outcome_protocols", "outcome_points", *tally.TABLES, "outcome_shape")
POINT_COLUMNS = ("course_id", "patient_id", "clinic", "indication", "area", "laterality",
                 "scale", "session", "improvement", "last", "mix", "age_band", "skin_type")
POINT_KEY = ("course_id", "area", "laterality", "scale", "session")
SHAPE = 2
"""Kept in outcome_shape: a view an earlier version kept (none there) is replayed anew."""

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
    # Each course area's improvement by session, with the groups it counted in (the
    # course's mix, the patient's age band and skin type), worked out when the course changes.
    "CREATE TABLE IF NOT EXISTS outcome_points (course_id TEXT NOT NULL,"
    " patient_id TEXT NOT NULL, clinic TEXT NOT NULL, indication TEXT NOT NULL,"
    " area TEXT NOT NULL, laterality TEXT NOT NULL, scale TEXT NOT NULL,"
    " session INTEGER NOT NULL, improvement DOUBLE PRECISION NOT NULL,"
    " last INTEGER NOT NULL, mix TEXT NOT NULL, age_band TEXT NOT NULL,"
    " skin_type TEXT NOT NULL, PRIMARY KEY (course_id, area, laterality, scale, session))",
    *tally.DDL,
    "CREATE TABLE IF NOT EXISTS outcome_shape (shape INTEGER NOT NULL)",
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
POINT = Insert("outcome_points", POINT_COLUMNS)


def void(tx: ViewTransaction, entries: list[tuple[str, int]]) -> set[str]:
    """Mark these entries voided (a mix or a score); the courses whose scores or mixes
    changed."""
    keys = ("course_id", "version")
    return {row[0] for table in ("outcome_mixes", "outcome_scores") for row in execute_in(
        tx, f"UPDATE {table} SET voided = 1 WHERE", keys, entries, returning="course_id")}


def points(tx: ViewTransaction, course_ids: list[str]) -> list[tuple]:
    """These courses' points (POINT_COLUMNS)."""
    return rows_in(tx, f"SELECT {', '.join(POINT_COLUMNS)} FROM outcome_points WHERE",
                   "course_id", course_ids)


def forget_points(tx: ViewTransaction, points: list[tuple]) -> None:
    """Delete these points (rows as `points` gives them)."""
    execute_in(tx, "DELETE FROM outcome_points WHERE", POINT_KEY,
               [(p[0], *p[4:8]) for p in points])


def kept_by_an_earlier_version(tx: ViewTransaction) -> bool:
    """Whether these tables hold courses but no shape: an earlier version kept them, without
    the tally (they are to be replayed)."""
    return (tx.one("SELECT shape FROM outcome_shape") is None
            and tx.one("SELECT 1 FROM outcome_courses LIMIT 1") is not None)


def mark_shape(tx: ViewTransaction) -> None:
    if tx.one("SELECT shape FROM outcome_shape") is None:
        tx.execute("INSERT INTO outcome_shape (shape) VALUES (?)", (SHAPE,))


# --- queries ----------------------------------------------------------------------------

def course_scores(tx: ViewTransaction, course_ids: list[str]) -> list[tuple]:
    """Live scores of these courses with their course: course, patient, clinic, indication,
    version, area, laterality, scale, kind, session, score."""
    return rows_in(tx, "SELECT s.course_id, c.patient_id, c.clinic, c.indication, s.version,"
                   " s.area, s.laterality, s.scale, s.kind, s.session, s.score"
                   " FROM outcome_scores s JOIN outcome_courses c ON c.course_id = s.course_id"
                   " WHERE s.voided = 0 AND", "s.course_id", course_ids)


def courses_of(tx: ViewTransaction, patient_ids: list[str]) -> set[str]:
    """These patients' courses."""
    return {row[0] for row in rows_in(tx, "SELECT course_id FROM outcome_courses WHERE",
                                      "patient_id", patient_ids)}


def _age_band_sql(bands: tuple[tuple[int, str], ...]) -> str:
    steps = " ".join(f"WHEN pt.age_years >= {low} THEN '{label}'" for low, label in
                     reversed(bands))
    return f"CASE WHEN pt.age_years IS NULL THEN 'unknown' {steps} END"


def course_groups(tx: ViewTransaction, course_ids: list[str],
                  age_bands: tuple[tuple[int, str], ...]) -> dict[str, tuple[str, str, str]]:
    """Per course, the groups its course areas' latest points count in: its latest live mix
    (its protocol, by the clinic's name for it, or its ratio band), its patient's age band
    and skin type."""
    return {row[0]: tuple(row[1:]) for row in rows_in(
        tx, "SELECT c.course_id,"
        " CASE WHEN m.course_id IS NULL THEN 'no mix on record'"
        " WHEN m.protocol_id IS NOT NULL THEN 'protocol ' || COALESCE(pr.name, m.protocol_id)"
        " ELSE 'ratio ' || m.ratio_band END,"
        f" {_age_band_sql(age_bands)},"
        " CASE WHEN pt.skin_type IS NULL OR pt.skin_type = '' THEN 'unknown'"
        " ELSE pt.skin_type END"
        " FROM outcome_courses c"
        " LEFT JOIN outcome_mixes m ON m.course_id = c.course_id AND m.voided = 0"
        " AND m.formulation_version = (SELECT MAX(l.formulation_version)"
        " FROM outcome_mixes l WHERE l.course_id = c.course_id AND l.voided = 0)"
        " LEFT JOIN outcome_protocols pr ON pr.protocol_id = m.protocol_id"
        " AND pr.clinic = c.clinic"
        " LEFT JOIN outcome_patients pt ON pt.patient_id = c.patient_id WHERE",
        "c.course_id", course_ids)}


def protocols(tx: ViewTransaction, clinic: str | None) -> list[dict]:
    """The clinic's protocols (None: every clinic's), by name."""
    where, params = (" WHERE clinic = ?", [clinic]) if clinic is not None else ("", [])
    rows = tx.rows(f"SELECT protocol_id, clinic, name FROM outcome_protocols{where}"
                   " ORDER BY clinic, name", params)
    return [dict(zip(("protocol_id", "clinic", "name"), row, strict=True)) for row in rows]
