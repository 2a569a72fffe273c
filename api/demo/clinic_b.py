"""clinic-b: a second clinic with its own staff and one patient, out of clinic-a's sight."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from api.demo.chart import Chart, Staff, Story
from api.demo.recipes import HAIR
from api.demo.staff import demo_actor
from domain.personal_data import PersonalData
from domain.values import Actor, Site


def _person(name: str, role: str) -> Actor:
    return demo_actor(name, role, "clinic-b")


STAFF = Staff(_person("Dr Helena Novak", "clinician"),
              _person("Nurse Priya Nair", "nurse"),
              _person("Jonas Weber", "receptionist"))

VERTEX = Site("scalp.vertex", "midline")
FRONTAL = Site("scalp.frontal", "midline")


def rajesh_alopecia(chart: Chart) -> Iterator[str]:
    """Androgenetic hair loss: fortnightly scalp sessions, hair density counted on the vertex."""
    yield from chart.register(27, "photography", "data_sharing")
    yield from chart.screen(26, "alopecia", skin="IV")
    yield from chart.plan(26, "alopecia", (VERTEX, FRONTAL), 6, 14)
    yield from chart.formulate(26, HAIR, "4")
    yield from chart.assess(26, VERTEX, "hair_density", "118")
    yield from chart.assess(26, VERTEX, "norwood", "3")
    for session, days_ago, by in ((1, 26, STAFF.clinician), (2, 12, STAFF.nurse)):
        for site in (VERTEX, FRONTAL):
            yield from chart.inject(days_ago, session, site, "nappage", "2", 40, by, depth="2")
    yield from chart.assess(12, VERTEX, "hair_density", "124", session=2)


STORIES = (
    Story("clinic-b", "B-0001",
          PersonalData("Rajesh Iyer", date(1982, 12, 1), "male", "rajesh.iyer@example.com"),
          STAFF, rajesh_alopecia),
)
