"""The demo clinics: realistic patients recorded through the clinic's own use cases.

    mesoledger demo

Every entry is dated in the past (days before the records' clock), so courses look under
way: screenings, plans, mixes, sessions, scores, an adverse event, a void and refusals.
Each is recorded as if at its appointment (the records' clock reads that time meanwhile),
so none of it is a late entry.
"""

from __future__ import annotations

from collections.abc import Iterator

from api.demo import clinic_a, clinic_b
from api.demo.chart import AppointmentClock, Chart, Story
from api.demo.staff import register_demo_staff, sign_in_details
from domain.application import ClinicalRecords
from domain.errors import NotFoundError

STORIES: tuple[Story, ...] = (*clinic_a.STORIES, *clinic_b.STORIES)
CLINIC_STAFF = {"clinic-a": clinic_a.STAFF, "clinic-b": clinic_b.STAFF}


def load_demo_clinic(records: ClinicalRecords) -> Iterator[str]:
    """Record every demo patient not registered yet; yield one line per thing done.

    A patient whose MRN is already taken in their clinic is left as it is, so running the
    demo again records nothing."""
    now = records.clock()
    yield from register_demo_staff(records, CLINIC_STAFF)
    present = [story for story in STORIES if _registered(records, story)]
    if len(present) == len(STORIES):
        yield "the demo clinics are already loaded: nothing recorded"
        return
    for story in present:
        yield f"{story.clinic} {story.mrn}  already registered: left as it is"
    clock, records.clock = records.clock, AppointmentClock(now)  # see Chart.at
    try:
        for slot, story in enumerate(STORIES):
            if story not in present:
                yield from story.unfold(Chart(records, story, now, hour=9 + slot % 8))
    finally:
        records.clock = clock
    yield f"loaded {len(STORIES) - len(present)} demo patients"


def demo_sign_ins(desk) -> Iterator[str]:
    """The demo accounts' passwords set, an admin per clinic opened; how each signs in."""
    yield "staff accounts (sign in at POST /v1/sessions):"
    yield from sign_in_details(desk, CLINIC_STAFF)


def _registered(records: ClinicalRecords, story: Story) -> bool:
    try:
        records.patient_by_mrn(story.clinic, story.mrn)
    except NotFoundError:
        return False
    return True
