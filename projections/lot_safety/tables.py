"""lot_safety's tables, and every query of them."""

from __future__ import annotations

from projections.base import Counts, Insert, ViewTransaction, execute_in, rows_in

TABLES = ("safety_courses", "safety_mixes", "safety_exposures", "safety_events",
          "safety_recalls", "safety_contacts", "safety_lot_patients",
          "safety_attributions", "safety_products")

DDL = (
    "CREATE TABLE IF NOT EXISTS safety_courses (course_id TEXT PRIMARY KEY,"
    " patient_id TEXT NOT NULL, clinic TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS safety_mixes (course_id TEXT NOT NULL,"
    " formulation_version INTEGER NOT NULL, product TEXT NOT NULL, lot TEXT NOT NULL,"
    " PRIMARY KEY (course_id, formulation_version, product, lot))",
    "CREATE TABLE IF NOT EXISTS safety_exposures (product TEXT NOT NULL, lot TEXT NOT NULL,"
    " patient_id TEXT NOT NULL, clinic TEXT NOT NULL, course_id TEXT NOT NULL,"
    " injection_version INTEGER NOT NULL, area TEXT NOT NULL, laterality TEXT NOT NULL,"
    " session INTEGER NOT NULL, injected_on TEXT NOT NULL, voided INTEGER NOT NULL,"
    " PRIMARY KEY (course_id, injection_version, product, lot))",
    "CREATE INDEX IF NOT EXISTS safety_exposures_by_lot"
    " ON safety_exposures (lot, product, injected_on)",
    "CREATE TABLE IF NOT EXISTS safety_events (course_id TEXT NOT NULL,"
    " event_version INTEGER NOT NULL, patient_id TEXT NOT NULL, clinic TEXT NOT NULL,"
    " kind TEXT NOT NULL, severity TEXT NOT NULL, serious INTEGER NOT NULL,"
    " onset_on TEXT NOT NULL, voided INTEGER NOT NULL,"
    # What the report suspects, as JSON: [injection version, product, lot], each may be null.
    " suspects TEXT NOT NULL DEFAULT '[]',"
    " PRIMARY KEY (course_id, event_version))",
    "CREATE TABLE IF NOT EXISTS safety_recalls (product TEXT NOT NULL, lot TEXT NOT NULL,"
    " clinic TEXT NOT NULL, reason TEXT NOT NULL, recalled_at TEXT NOT NULL,"
    " actor_id TEXT NOT NULL, PRIMARY KEY (product, lot, clinic))",
    "CREATE TABLE IF NOT EXISTS safety_contacts (product TEXT NOT NULL, lot TEXT NOT NULL,"
    " clinic TEXT NOT NULL, patient_id TEXT NOT NULL, method TEXT NOT NULL,"
    " reached INTEGER NOT NULL, contacted_at TEXT NOT NULL, actor_id TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS safety_contacts_by_lot ON safety_contacts (lot, product)",
    # Live injections per lot and patient: what a lot's figures count, without a scan.
    "CREATE TABLE IF NOT EXISTS safety_lot_patients (product TEXT NOT NULL, lot TEXT NOT NULL,"
    " clinic TEXT NOT NULL, patient_id TEXT NOT NULL, injections INTEGER NOT NULL,"
    " PRIMARY KEY (product, lot, clinic, patient_id))",
    # Each adverse event's lots: named by the report, or injected before its onset (and how
    # many days before, so the window is the reader's setting).
    "CREATE TABLE IF NOT EXISTS safety_attributions (course_id TEXT NOT NULL,"
    " event_version INTEGER NOT NULL, product TEXT NOT NULL, lot TEXT NOT NULL,"
    " named INTEGER NOT NULL, days_after INTEGER NOT NULL,"
    " PRIMARY KEY (course_id, event_version, product, lot))",
    "CREATE TABLE IF NOT EXISTS safety_products (clinic TEXT NOT NULL, name TEXT NOT NULL,"
    " manufacturer TEXT NOT NULL, gtin TEXT, PRIMARY KEY (clinic, name))",
)

EXPOSURE = ("product", "lot", "patient_id", "clinic", "course_id", "injection_version",
            "area", "laterality", "session", "injected_on", "voided")
EXPOSURE_KEYS = (*EXPOSURE[:-2], "date", "voided")

PLAN = Insert("safety_courses", ("course_id", "patient_id", "clinic"))
MIX = Insert("safety_mixes", ("course_id", "formulation_version", "product", "lot"))
INJECT = Insert("safety_exposures", EXPOSURE)
REPORT = Insert("safety_events", ("course_id", "event_version", "patient_id", "clinic", "kind",
                                  "severity", "serious", "onset_on", "voided", "suspects"))
RECALL = Insert("safety_recalls", ("product", "lot", "clinic", "reason", "recalled_at",
                                   "actor_id"))
CONTACT = Insert("safety_contacts", ("product", "lot", "clinic", "patient_id", "method",
                                     "reached", "contacted_at", "actor_id"))
LOT_PATIENTS = Counts("safety_lot_patients", ("product", "lot", "clinic", "patient_id"),
                      "injections")
ATTRIBUTE = Insert("safety_attributions", ("course_id", "event_version", "product", "lot",
                                           "named", "days_after"))
PRODUCT = Insert("safety_products", ("clinic", "name", "manufacturer", "gtin"))


def owners(tx: ViewTransaction, course_ids: list[str]) -> list[tuple[str, str, str]]:
    return rows_in(tx, "SELECT course_id, patient_id, clinic FROM safety_courses WHERE",
                   "course_id", course_ids)


def void_injections(tx: ViewTransaction, entries: list[tuple[str, int]]) -> list[tuple]:
    """Mark these injections' exposures voided; the rows that were live: product, lot,
    clinic, patient."""
    return execute_in(tx, "UPDATE safety_exposures SET voided = 1 WHERE voided = 0 AND",
                      ("course_id", "injection_version"), entries,
                      returning="product, lot, clinic, patient_id")


def void_events(tx: ViewTransaction, entries: list[tuple[str, int]]) -> None:
    execute_in(tx, "UPDATE safety_events SET voided = 1 WHERE",
               ("course_id", "event_version"), entries)


def forget_attributions(tx: ViewTransaction, course_ids: list[str]) -> None:
    execute_in(tx, "DELETE FROM safety_attributions WHERE", ("course_id",),
               [(c,) for c in course_ids])


def course_events(tx: ViewTransaction, course_ids: list[str]) -> list[tuple]:
    """Every adverse event of these courses (voided ones too): course, version, onset,
    suspects (JSON), voided."""
    return rows_in(tx, "SELECT course_id, event_version, onset_on, suspects, voided"
                   " FROM safety_events WHERE", "course_id", course_ids)


def mixes(tx: ViewTransaction, course_ids: list[str]) -> list[tuple[str, int, str, str]]:
    return rows_in(tx, "SELECT course_id, formulation_version, product, lot FROM safety_mixes"
                   " WHERE", "course_id", course_ids)


# --- queries ----------------------------------------------------------------------------

def _where(clauses: list[str]) -> str:
    return f" WHERE {' AND '.join(clauses)}" if clauses else ""


def exposures(tx: ViewTransaction, lot: str, product: str | None = None,
              clinic: str | None = None, include_voided: bool = False) -> list[dict]:
    """Every injection that used the lot number (of one product, in one clinic, if named),
    by date then patient; voided ones only if `include_voided`, each saying if it was."""
    clauses, params = ["lot = ?"], [lot]
    for column, value in (("product", product), ("clinic", clinic)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if not include_voided:
        clauses.append("voided = 0")
    rows = tx.rows(f"SELECT {', '.join(EXPOSURE)} FROM safety_exposures{_where(clauses)}"
                   " ORDER BY injected_on, patient_id, course_id, injection_version, product",
                   params)
    return [dict(zip(EXPOSURE_KEYS, (*row[:-1], bool(row[-1])), strict=True)) for row in rows]


def lot_counts(tx: ViewTransaction, clinic: str | None) -> list[tuple[str, str, int, int]]:
    """Per product and lot: live injections and the patients who had them."""
    clauses, params = ["injections > 0"], []
    if clinic is not None:
        clauses.append("clinic = ?")
        params.append(clinic)
    return tx.rows("SELECT product, lot, SUM(injections), COUNT(*)"
                   f" FROM safety_lot_patients{_where(clauses)} GROUP BY product, lot", params)


def lot_events(tx: ViewTransaction, window_days: int) -> list[tuple]:
    """Per product, lot and clinic: live adverse events counted for the lot (named by the
    report, or begun within the window after an injection of it), by kind, severity and
    seriousness: product, lot, clinic, kind, severity, serious, events."""
    return tx.rows("SELECT a.product, a.lot, e.clinic, e.kind, e.severity, e.serious,"
                   " COUNT(*) FROM safety_attributions a JOIN safety_events e"
                   " ON e.course_id = a.course_id AND e.event_version = a.event_version"
                   " WHERE e.voided = 0 AND (a.named = 1 OR a.days_after <= ?)"
                   " GROUP BY a.product, a.lot, e.clinic, e.kind, e.severity, e.serious",
                   [window_days])


def live_exposures_of(tx: ViewTransaction, course_ids: list[str]) -> list[tuple]:
    """The live injections of these courses: course, version, product, lot, date (the
    view's own reading, when it counts adverse events anew)."""
    return rows_in(tx, "SELECT course_id, injection_version, product, lot, injected_on"
                   " FROM safety_exposures WHERE voided = 0 AND", "course_id", course_ids)


def recalls(tx: ViewTransaction, clinic: str | None) -> list[dict]:
    """Every recall seen from a clinic (its own and every-clinic ones; None: all)."""
    clauses, params = [], []
    if clinic is not None:
        clauses.append("clinic IN (?, '*')")
        params.append(clinic)
    rows = tx.rows("SELECT product, lot, clinic, reason, recalled_at, actor_id"
                   f" FROM safety_recalls{_where(clauses)} ORDER BY recalled_at, product, lot",
                   params)
    keys = ("product", "lot", "clinic", "reason", "recalled_at", "recalled_by")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def contacts(tx: ViewTransaction, product: str, lot: str, clinic: str | None) -> list[dict]:
    clauses, params = ["product = ?", "lot = ?"], [product, lot]
    if clinic is not None:
        clauses.append("clinic = ?")
        params.append(clinic)
    rows = tx.rows("SELECT patient_id, clinic, method, reached, contacted_at, actor_id"
                   f" FROM safety_contacts{_where(clauses)} ORDER BY contacted_at", params)
    keys = ("patient_id", "clinic", "method", "reached", "contacted_at", "contacted_by")
    return [dict(zip(keys, (*row[:3], bool(row[3]), *row[4:]), strict=True)) for row in rows]


def products(tx: ViewTransaction, clinic: str | None) -> list[dict]:
    """The clinic's product catalogue (None: every clinic's), by name."""
    where, params = (" WHERE clinic = ?", [clinic]) if clinic is not None else ("", [])
    rows = tx.rows(f"SELECT clinic, name, manufacturer, gtin FROM safety_products{where}"
                   " ORDER BY clinic, name", params)
    return [dict(zip(("clinic", "name", "manufacturer", "gtin"), row, strict=True))
            for row in rows]
