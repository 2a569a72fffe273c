"""What the outcomes view knows of each course between batches: its owner, its live scores and
mixes, and the groups its latest points count in (its mix, its patient's age band and skin
type). Kept in this process for the courses being treated, and read from the view's tables
for the others, so a batch works out what a course's points were without reading them.

What is kept holds only while the view's tables are as this process left them: every batch
adds its number of facts to a count in outcome_shape, and memory is dropped whenever the count
found is not the one this process last wrote (a batch that rolled back, or another runner's
batches, left it elsewhere). Another runner that applied the very facts of a batch that rolled
back here leaves the count, and the tables, as this process expected them."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventsourcing.application import LRUCache

from projections.base import ViewTransaction
from projections.outcomes import tables
from projections.outcomes.facts import Mix, Score
from projections.outcomes.registry import AGE_BANDS


@dataclass
class CourseState:
    """A course's owner and its live scores and mixes, by version."""

    patient_id: str
    clinic: str
    indication: str
    scores: dict[int, Score] = field(default_factory=dict)
    mixes: dict[int, Mix] = field(default_factory=dict)

    def score_rows(self, course_id: str) -> list[tuple]:
        """Its live scores as registry.points_of takes them."""
        return [(course_id, self.patient_id, self.clinic, self.indication, version,
                 *score[2:]) for version, score in self.scores.items()]

    def latest_mix(self) -> Mix | None:
        return max(self.mixes.values(), key=lambda mix: mix.formulation_version, default=None)


class Known:
    """Courses, patients (age, skin type) and protocol names, remembered across batches while
    the view's tables stay as this process left them, read when not remembered."""

    courses_remembered = 20_000
    patients_remembered = 20_000

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        self._courses: LRUCache[str, CourseState] = LRUCache(self.courses_remembered)
        self._patients: LRUCache[str, tuple[int, str]] = LRUCache(self.patients_remembered)
        self._protocols: dict[tuple[str, str], str] | None = None
        self._facts: int | None = None

    def begin(self, tx: ViewTransaction, facts: int) -> None:
        """Count this batch's facts; drop what is remembered unless the tables are as this
        process last left them."""
        count = tables.count_facts(tx, facts)
        if count - facts != self._facts:
            self.forget()
        self._facts = count

    def courses(self, tx: ViewTransaction, course_ids: set[str]) -> dict[str, CourseState]:
        """These courses as they stand before the batch (a course not yet planned: none)."""
        found, unknown = {}, []
        for course_id in course_ids:
            course = _remembered(self._courses, course_id)
            if course is None:
                unknown.append(course_id)
            else:
                found[course_id] = course
        if unknown:
            read = {course_id: CourseState(*owner) for course_id, *owner
                    in tables.courses(tx, unknown)}
            for score in tables.live_scores(tx, unknown):
                read[score.course_id].scores[score.version] = score
            for mix in tables.live_mixes(tx, unknown):
                read[mix.course_id].mixes[mix.version] = mix
            found |= read
        return found

    def keep(self, courses: dict[str, CourseState]) -> None:
        for course_id, course in courses.items():
            self._courses.put(course_id, course)

    def patients(self, tx: ViewTransaction, patient_ids: set[str]) -> None:
        """Remember these patients' age and skin type, reading those not remembered."""
        unknown = [p for p in patient_ids if _remembered(self._patients, p) is None]
        for patient_id, age_years, skin_type in tables.patients(tx, unknown):
            self._patients.put(patient_id, (age_years, skin_type))

    def screened(self, patient_id: str, age_years: int, skin_type: str) -> None:
        self._patients.put(patient_id, (age_years, skin_type))

    def protocol_defined(self, tx: ViewTransaction, protocol_id: str, clinic: str,
                         name: str) -> None:
        self._protocol_names(tx)[(protocol_id, clinic)] = name

    def groups(self, tx: ViewTransaction, course: CourseState) -> tuple[str, str, str]:
        """The groups a course's latest points count in: its latest live mix (its protocol,
        by the clinic's name for it, or its ratio band), its patient's age band and skin
        type."""
        mix = course.latest_mix()
        if mix is None:
            given = "no mix on record"
        elif mix.protocol_id is not None:
            given = "protocol " + self._protocol_names(tx).get((mix.protocol_id, course.clinic),
                                                               mix.protocol_id)
        else:
            given = "ratio " + mix.ratio_band
        age_years, skin_type = _remembered(self._patients, course.patient_id) or (None, "")
        return given, age_band(age_years), skin_type or "unknown"

    def _protocol_names(self, tx: ViewTransaction) -> dict[tuple[str, str], str]:
        """Every protocol's name, by protocol and clinic (a clinic has a few dozen)."""
        if self._protocols is None:
            self._protocols = tables.protocol_names(tx)
        return self._protocols


def age_band(age_years: int | None) -> str:
    for low, label in reversed(AGE_BANDS):
        if age_years is not None and age_years >= low:
            return label
    return "unknown"


def _remembered(cache: LRUCache, key: str):
    try:
        return cache.get(key)
    except KeyError:
        return None
