"""The registry kept pre-aggregated: per clinic, indication × area × scale and group (a number
of sessions done, a mix, an age band, a skin type), how many course areas improved by how
much, and how many patients they belong to. The view moves it by the difference a batch makes
to the changed courses' points (what they added before, and add now), so the registry reads a
few rows per group rather than every point. A group is named in outcome_groups and numbered
by a hash of its name elsewhere: its counts are moved by a short key."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Iterable

from projections.base import Counts, ViewTransaction

GROUP = ("clinic", "indication", "area", "scale", "dimension", "group_name")
TABLES = ("outcome_tally", "outcome_group_patients", "outcome_groups")

DDL = (
    # How many course areas of each group improved by each amount.
    "CREATE TABLE IF NOT EXISTS outcome_tally (group_id BIGINT NOT NULL,"
    " improvement DOUBLE PRECISION NOT NULL, course_areas INTEGER NOT NULL,"
    " PRIMARY KEY (group_id, improvement))",
    # Each patient's course areas in each group (a group's patients are its rows here).
    "CREATE TABLE IF NOT EXISTS outcome_group_patients (group_id BIGINT NOT NULL,"
    " patient_id TEXT NOT NULL, course_areas INTEGER NOT NULL,"
    " PRIMARY KEY (group_id, patient_id))",
    # Every group with a patient in it: its name and its patients.
    "CREATE TABLE IF NOT EXISTS outcome_groups (group_id BIGINT PRIMARY KEY,"
    " clinic TEXT NOT NULL, indication TEXT NOT NULL, area TEXT NOT NULL,"
    " scale TEXT NOT NULL, dimension TEXT NOT NULL, group_name TEXT NOT NULL,"
    " patients INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS outcome_groups_by_name"
    " ON outcome_groups (clinic, indication, area, scale)",
)

COURSE_AREAS = Counts("outcome_tally", ("group_id", "improvement"), "course_areas")
PATIENT_COURSE_AREAS = Counts("outcome_group_patients", ("group_id", "patient_id"),
                              "course_areas")
PATIENTS = Counts("outcome_groups", ("group_id",), "patients", described_by=GROUP)


@functools.lru_cache(maxsize=65_536)
def group_id(group: tuple[str, ...]) -> int:
    """A group's number: the first 64 bits of the BLAKE2b hash of its name (the same in
    every process and every rebuild; two of a clinic's few thousand groups share one with a
    chance of about one in 10^12)."""
    digest = hashlib.blake2b("\x1f".join(group).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def contributions(points: Iterable[tuple]) -> tuple[Counter, Counter, dict[int, tuple]]:
    """What these points (registry.points_of) add: course areas by group and improvement,
    and by group and patient; and the groups' names, by number. Every point counts in its
    session's group; a course area's latest point also in its mix's, age band's and skin
    type's."""
    by_improvement: Counter = Counter()
    by_patient: Counter = Counter()
    named: dict[int, tuple] = {}
    for (_course, patient_id, clinic, indication, area, _laterality, scale, session,
         improvement, last, mix, age_band, skin_type) in points:
        head = (clinic, indication, area, scale)
        groups = [("sessions", str(session))]
        if last:
            groups += [("mix", mix), ("age_band", age_band), ("skin_type", skin_type)]
        for group in groups:
            name = (*head, *group)
            number = group_id(name)
            named[number] = name
            by_improvement[(number, improvement)] += 1
            by_patient[(number, patient_id)] += 1
    return by_improvement, by_patient, named


def move(tx: ViewTransaction, before: list[tuple], after: list[tuple]) -> None:
    """Take the points `before` out of the tally and put the points `after` in."""
    old_improvements, old_patients, named = contributions(before)
    new_improvements, new_patients, named_now = contributions(after)
    improvements = _difference(new_improvements, old_improvements)
    COURSE_AREAS.add(tx, improvements)
    COURSE_AREAS.forget_emptied(tx, improvements)
    patients = _difference(new_patients, old_patients)
    groups = _groups_moved(PATIENT_COURSE_AREAS.add(tx, patients, returning=True), patients)
    named |= named_now
    groups_named = {(number, *named[number]): n for number, n in groups.items()}
    PATIENTS.add(tx, groups_named)
    PATIENTS.forget_emptied(tx, groups_named)
    PATIENT_COURSE_AREAS.forget_emptied(tx, patients)


def _difference(new: Counter, old: Counter) -> dict[tuple, int]:
    moved = {key: n - old.get(key, 0) for key, n in new.items()}
    moved.update((key, -n) for key, n in old.items() if key not in new)
    return {key: n for key, n in moved.items() if n}


def _groups_moved(counted: list[tuple], patients: dict[tuple, int]) -> dict[int, int]:
    """A group gains a patient whose course areas in it rose from none, and loses one whose
    fell to none (`counted`: each moved patient's group, patient and course areas now)."""
    groups: Counter = Counter()
    for number, patient_id, now in counted:
        was = now - patients[(number, patient_id)]
        if (was == 0) != (now == 0):
            groups[number] += 1 if was == 0 else -1
    return {number: n for number, n in groups.items() if n}


# --- queries ----------------------------------------------------------------------------

def _where(clinic, indication, area, scale, prefix: str = "") -> tuple[str, list]:
    clauses, params = [], []
    for column, value in (("clinic", clinic), ("indication", indication), ("area", area),
                          ("scale", scale)):
        if value is not None:
            clauses.append(f"{prefix}{column} = ?")
            params.append(value)
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def improvements(tx: ViewTransaction, clinic, indication, area, scale) -> list[tuple]:
    """indication, area, scale, dimension, group, improvement, course areas (a row per
    clinic: a regulator's registry adds them up)."""
    where, params = _where(clinic, indication, area, scale, prefix="g.")
    return tx.rows("SELECT g.indication, g.area, g.scale, g.dimension, g.group_name,"
                   " t.improvement, t.course_areas FROM outcome_tally t JOIN outcome_groups g"
                   f" ON g.group_id = t.group_id{where}", params)


def patients(tx: ViewTransaction, clinic, indication, area, scale) -> list[tuple]:
    """indication, area, scale, dimension, group, patients (a row per clinic: a patient's
    courses are all in their clinic's, so a regulator's registry adds them up)."""
    where, params = _where(clinic, indication, area, scale)
    return tx.rows("SELECT indication, area, scale, dimension, group_name, patients"
                   f" FROM outcome_groups{where}", params)
