"""The outcomes registry's tables, and every query of them."""

from __future__ import annotations

from projections.base import Insert, ViewTransaction, execute_in, rows_in

TABLES = ("outcome_patients", "outcome_courses", "outcome_mixes", "outcome_scores",
          "outcome_protocols", "outcome_points")

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
    "CREATE INDEX IF NOT EXISTS outcome_scores_by_scale ON outcome_scores (scale, area)",
    "CREATE TABLE IF NOT EXISTS outcome_protocols (protocol_id TEXT PRIMARY KEY,"
    " clinic TEXT NOT NULL, name TEXT NOT NULL)",
    # Each course area's improvement by session, worked out when the course changes.
    "CREATE TABLE IF NOT EXISTS outcome_points (course_id TEXT NOT NULL,"
    " patient_id TEXT NOT NULL, clinic TEXT NOT NULL, indication TEXT NOT NULL,"
    " area TEXT NOT NULL, laterality TEXT NOT NULL, scale TEXT NOT NULL,"
    " session INTEGER NOT NULL, improvement REAL NOT NULL, last INTEGER NOT NULL,"
    " PRIMARY KEY (course_id, area, laterality, scale, session))",
    "CREATE INDEX IF NOT EXISTS outcome_points_by_scale ON outcome_points (scale, area)",
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
POINT = Insert("outcome_points", ("course_id", "patient_id", "clinic", "indication", "area",
                                  "laterality", "scale", "session", "improvement", "last"))


def void(tx: ViewTransaction, entries: list[tuple[str, int]]) -> set[str]:
    """Mark these entries voided (a mix or a score); the courses whose scores changed."""
    execute_in(tx, "UPDATE outcome_mixes SET voided = 1 WHERE", ("course_id", "version"),
               entries)
    return {row[0] for row in execute_in(
        tx, "UPDATE outcome_scores SET voided = 1 WHERE", ("course_id", "version"), entries,
        returning="course_id")}


def forget_points(tx: ViewTransaction, course_ids: list[str]) -> None:
    execute_in(tx, "DELETE FROM outcome_points WHERE", ("course_id",),
               [(c,) for c in course_ids])


# --- queries ----------------------------------------------------------------------------

def course_scores(tx: ViewTransaction, course_ids: list[str]) -> list[tuple]:
    """Live scores of these courses with their course: course, patient, clinic, indication,
    version, area, laterality, scale, kind, session, score."""
    return rows_in(tx, "SELECT s.course_id, c.patient_id, c.clinic, c.indication, s.version,"
                   " s.area, s.laterality, s.scale, s.kind, s.session, s.score"
                   " FROM outcome_scores s JOIN outcome_courses c ON c.course_id = s.course_id"
                   " WHERE s.voided = 0 AND", "s.course_id", course_ids)


def _where(clinic, indication, area, scale, *more: str) -> tuple[str, list]:
    clauses, params = list(more), []
    for column, value in (("clinic", clinic), ("indication", indication), ("area", area),
                          ("scale", scale)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def by_session(tx: ViewTransaction, clinic, indication, area, scale) -> list[tuple]:
    """How many course areas improved by how much, per indication, area, scale and session:
    indication, area, scale, session, improvement, course areas."""
    where, params = _where(clinic, indication, area, scale)
    return tx.rows("SELECT indication, area, scale, session, improvement, COUNT(*)"
                   f" FROM outcome_points{where} GROUP BY indication, area, scale, session,"
                   " improvement", params)


def patients_by_session(tx: ViewTransaction, clinic, indication, area, scale) -> list[tuple]:
    """indication, area, scale, session, patients."""
    where, params = _where(clinic, indication, area, scale)
    return tx.rows("SELECT indication, area, scale, session, COUNT(DISTINCT patient_id)"
                   f" FROM outcome_points{where} GROUP BY indication, area, scale, session",
                   params)


def _age_band_sql(bands: tuple[tuple[int, str], ...]) -> str:
    steps = " ".join(f"WHEN pt.age_years >= {low} THEN '{label}'" for low, label in
                     reversed(bands))
    return f"CASE WHEN pt.age_years IS NULL THEN 'unknown' {steps} END"


def latest_points(tx: ViewTransaction, clinic, indication, area, scale,
                  age_bands: tuple[tuple[int, str], ...]) -> list[tuple]:
    """Each course area at its latest session, with what the registry groups it by, joined
    in one statement: patient, indication, area, scale, improvement, the course's latest
    live mix (its protocol, by the clinic's name for it, or its ratio band), the patient's
    age band and skin type."""
    join, join_params = ("", []) if clinic is None else (" AND pr.clinic = ?", [clinic])
    clauses, params = ["p.last = 1"], []
    for column, value in (("clinic", clinic), ("indication", indication), ("area", area),
                          ("scale", scale)):
        if value is not None:
            clauses.append(f"p.{column} = ?")
            params.append(value)
    return tx.rows(
        "SELECT p.patient_id, p.indication, p.area, p.scale, p.improvement,"
        " CASE WHEN m.course_id IS NULL THEN 'no mix on record'"
        " WHEN m.protocol_id IS NOT NULL THEN 'protocol ' || COALESCE(pr.name, m.protocol_id)"
        " ELSE 'ratio ' || m.ratio_band END,"
        f" {_age_band_sql(age_bands)},"
        " CASE WHEN pt.skin_type IS NULL OR pt.skin_type = '' THEN 'unknown'"
        " ELSE pt.skin_type END"
        " FROM outcome_points p"
        " LEFT JOIN outcome_mixes m ON m.course_id = p.course_id AND m.voided = 0"
        " AND m.formulation_version = (SELECT MAX(l.formulation_version)"
        " FROM outcome_mixes l WHERE l.course_id = p.course_id AND l.voided = 0)"
        f" LEFT JOIN outcome_protocols pr ON pr.protocol_id = m.protocol_id{join}"
        " LEFT JOIN outcome_patients pt ON pt.patient_id = p.patient_id"
        f" WHERE {' AND '.join(clauses)}", [*join_params, *params])


def protocols(tx: ViewTransaction, clinic: str | None) -> list[dict]:
    """The clinic's protocols (None: every clinic's), by name."""
    where, params = (" WHERE clinic = ?", [clinic]) if clinic is not None else ("", [])
    rows = tx.rows(f"SELECT protocol_id, clinic, name FROM outcome_protocols{where}"
                   " ORDER BY clinic, name", params)
    return [dict(zip(("protocol_id", "clinic", "name"), row, strict=True)) for row in rows]
