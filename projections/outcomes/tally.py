"""The registry kept pre-aggregated: per clinic, indication × area × scale and group (a number
of sessions done, a mix, an age band, a skin type), how many course areas improved by how
much, and how many patients they belong to. The view moves it by the difference a batch makes
to outcome_points (what the changed courses' points added before, and add now), so the
registry reads a few rows per group rather than every point."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from projections.base import Counts, ViewTransaction

GROUP = ("clinic", "indication", "area", "scale", "dimension", "group_name")
_GROUP_COLUMNS = ("clinic TEXT NOT NULL, indication TEXT NOT NULL, area TEXT NOT NULL,"
                  " scale TEXT NOT NULL, dimension TEXT NOT NULL, group_name TEXT NOT NULL")
_GROUP_KEY = ", ".join(GROUP)
TABLES = ("outcome_tally", "outcome_group_patients", "outcome_groups")

DDL = (
    # How many course areas of each group improved by each amount.
    f"CREATE TABLE IF NOT EXISTS outcome_tally ({_GROUP_COLUMNS},"
    " improvement DOUBLE PRECISION NOT NULL, course_areas INTEGER NOT NULL,"
    f" PRIMARY KEY ({_GROUP_KEY}, improvement))",
    # Each patient's course areas in each group (a group's patients are its rows here).
    f"CREATE TABLE IF NOT EXISTS outcome_group_patients ({_GROUP_COLUMNS},"
    f" patient_id TEXT NOT NULL, course_areas INTEGER NOT NULL,"
    f" PRIMARY KEY ({_GROUP_KEY}, patient_id))",
    f"CREATE TABLE IF NOT EXISTS outcome_groups ({_GROUP_COLUMNS},"
    f" patients INTEGER NOT NULL, PRIMARY KEY ({_GROUP_KEY}))",
)


COURSE_AREAS = Counts("outcome_tally", (*GROUP, "improvement"), "course_areas")
PATIENT_COURSE_AREAS = Counts("outcome_group_patients", (*GROUP, "patient_id"), "course_areas")
PATIENTS = Counts("outcome_groups", GROUP, "patients")


def contributions(points: Iterable[tuple]) -> tuple[Counter, Counter]:
    """What these outcome_points rows add: course areas by group and improvement, and by
    group and patient. Every point counts in its session's group; a course area's latest
    point also in its mix's, age band's and skin type's."""
    by_improvement: Counter = Counter()
    by_patient: Counter = Counter()
    for (_course, patient_id, clinic, indication, area, _laterality, scale, session,
         improvement, last, mix, age_band, skin_type) in points:
        head = (clinic, indication, area, scale)
        groups = [("sessions", str(session))]
        if last:
            groups += [("mix", mix), ("age_band", age_band), ("skin_type", skin_type)]
        for group in groups:
            by_improvement[(*head, *group, improvement)] += 1
            by_patient[(*head, *group, patient_id)] += 1
    return by_improvement, by_patient


def move(tx: ViewTransaction, before: list[tuple], after: list[tuple]) -> None:
    """Take the points `before` out of the tally and put the points `after` in."""
    old_improvements, old_patients = contributions(before)
    new_improvements, new_patients = contributions(after)
    improvements = _difference(new_improvements, old_improvements)
    COURSE_AREAS.add(tx, improvements)
    COURSE_AREAS.forget_emptied(tx, improvements)
    patients = _difference(new_patients, old_patients)
    groups = _groups_moved(PATIENT_COURSE_AREAS.add(tx, patients, returning=True), patients)
    PATIENTS.add(tx, groups)
    PATIENTS.forget_emptied(tx, groups)
    PATIENT_COURSE_AREAS.forget_emptied(tx, patients)


def _difference(new: Counter, old: Counter) -> dict[tuple, int]:
    moved = {key: n - old.get(key, 0) for key, n in new.items()}
    moved.update((key, -n) for key, n in old.items() if key not in new)
    return {key: n for key, n in moved.items() if n}


def _groups_moved(counted: list[tuple], patients: dict[tuple, int]) -> dict[tuple, int]:
    """A group gains a patient whose course areas in it rose from none, and loses one whose
    fell to none (`counted`: each moved patient's key and course areas now)."""
    groups: Counter = Counter()
    for *row, now in counted:
        was = now - patients[tuple(row)]
        if (was == 0) != (now == 0):
            groups[tuple(row[:-1])] += 1 if was == 0 else -1
    return {group: n for group, n in groups.items() if n}


# --- queries ----------------------------------------------------------------------------

def _where(clinic, indication, area, scale) -> tuple[str, list]:
    clauses, params = [], []
    for column, value in (("clinic", clinic), ("indication", indication), ("area", area),
                          ("scale", scale)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def improvements(tx: ViewTransaction, clinic, indication, area, scale) -> list[tuple]:
    """indication, area, scale, dimension, group, improvement, course areas (a row per
    clinic: a regulator's registry adds them up)."""
    where, params = _where(clinic, indication, area, scale)
    return tx.rows("SELECT indication, area, scale, dimension, group_name, improvement,"
                   f" course_areas FROM outcome_tally{where}", params)


def patients(tx: ViewTransaction, clinic, indication, area, scale) -> list[tuple]:
    """indication, area, scale, dimension, group, patients (a row per clinic: a patient's
    courses are all in their clinic's, so a regulator's registry adds them up)."""
    where, params = _where(clinic, indication, area, scale)
    return tx.rows("SELECT indication, area, scale, dimension, group_name, patients"
                   f" FROM outcome_groups{where}", params)
