"""The body map a course is planned on: an SVG of the face and scalp, the body from the
front and from the back, with a region for every area code and side in the vocabulary.

Regions are links (keyboard-reachable, named for screen readers) that toggle a pick, so the
map works without JavaScript. Picking the left and the right of an area plans it bilateral.
Views are drawn as clinicians read them: from the front, the patient's right is on the
viewer's left; from the back, on the viewer's right.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from domain.values import Site
from domain.vocabulary import AREAS, MIDLINE

Box = tuple[int, int, int, int]  # x, y, width, height
REGIONS: dict[tuple[str, str], Box] = {
    ("scalp.vertex", "midline"): (95, 126, 50, 20),
    ("scalp.frontal", "midline"): (80, 150, 80, 22),
    ("scalp.temporal", "right"): (30, 185, 24, 55),
    ("scalp.temporal", "left"): (186, 185, 24, 55),
    ("face.forehead", "midline"): (75, 178, 90, 30),
    ("face.periorbital", "right"): (62, 215, 44, 22),
    ("face.periorbital", "left"): (134, 215, 44, 22),
    ("face.cheeks", "right"): (50, 245, 42, 50),
    ("face.cheeks", "left"): (148, 245, 42, 50),
    ("face.perioral", "midline"): (98, 300, 44, 26),
    ("face.jawline", "right"): (58, 305, 34, 38),
    ("face.jawline", "left"): (148, 305, 34, 38),
    ("neck.anterior", "midline"): (348, 76, 24, 14),
    ("decolletage.central", "midline"): (332, 94, 56, 30),
    ("abdomen.central", "midline"): (338, 160, 44, 60),
    ("flanks.lateral", "right"): (322, 160, 14, 60),
    ("flanks.lateral", "left"): (384, 160, 14, 60),
    ("thighs.lateral", "right"): (319, 265, 9, 80),
    ("thighs.lateral", "left"): (392, 265, 9, 80),
    ("thighs.anterior", "right"): (330, 265, 16, 80),
    ("thighs.anterior", "left"): (374, 265, 16, 80),
    ("thighs.medial", "right"): (348, 270, 8, 70),
    ("thighs.medial", "left"): (364, 270, 8, 70),
    ("knees.medial", "right"): (346, 360, 10, 22),
    ("knees.medial", "left"): (364, 360, 10, 22),
    ("pain.shoulder", "right"): (294, 84, 22, 18),
    ("pain.shoulder", "left"): (404, 84, 22, 18),
    ("pain.elbow", "right"): (291, 150, 24, 16),
    ("pain.elbow", "left"): (405, 150, 24, 16),
    ("pain.knee_joint", "right"): (324, 358, 20, 24),
    ("pain.knee_joint", "left"): (376, 358, 20, 24),
    ("pain.ankle", "right"): (324, 430, 20, 16),
    ("pain.ankle", "left"): (376, 430, 20, 16),
    ("scalp.occipital", "midline"): (588, 36, 24, 18),
    ("pain.cervical_spine", "midline"): (592, 66, 16, 24),
    ("upper_arms.posterior", "left"): (529, 92, 24, 60),
    ("upper_arms.posterior", "right"): (647, 92, 24, 60),
    ("pain.lumbar_spine", "midline"): (590, 180, 20, 40),
    ("buttocks.gluteal", "left"): (560, 225, 38, 40),
    ("buttocks.gluteal", "right"): (602, 225, 38, 40),
    ("thighs.posterior", "left"): (562, 275, 32, 80),
    ("thighs.posterior", "right"): (606, 275, 32, 80),
    ("hands.dorsum", "left"): (528, 240, 26, 26),
    ("hands.dorsum", "right"): (646, 240, 26, 26),
}
SIDES_OF = {
    "midline": ("midline",),
    "bilateral": ("left", "right"),
    "left": ("left",),
    "right": ("right",),
}


@dataclass(frozen=True)
class Region:
    area: str
    side: str
    box: Box
    picked: bool
    href: str

    @property
    def name(self) -> str:
        where = AREAS[self.area]
        side = "" if self.side == "midline" else f", {self.side} side"
        picked = "picked" if self.picked else "not picked"
        return f"{where.region.replace('_', ' ').capitalize()}, {where.name}{side} — {picked}"


def picks_of(values: list[str]) -> set[tuple[str, str]]:
    """The regions named by `area:side` values (unknown ones ignored)."""
    picks = set()
    for value in values:
        area, _, side = value.partition(":")
        picks.update((area, s) for s in SIDES_OF.get(side, ()) if (area, s) in REGIONS)
    return picks


def regions(picks: set[tuple[str, str]]) -> list[Region]:
    """Every region, each linking to the map with its pick toggled."""
    return [
        Region(area, side, box, (area, side) in picks, _toggled(picks, (area, side)))
        for (area, side), box in REGIONS.items()
    ]


def _toggled(picks: set[tuple[str, str]], region: tuple[str, str]) -> str:
    return "?" + urlencode([("site", f"{a}:{s}") for a, s in sorted(picks ^ {region})])


def sites_of(picks: set[tuple[str, str]]) -> list[Site]:
    """The plan's sites: an area picked on both sides is bilateral."""
    sites = []
    for area in sorted({area for area, _ in picks}):
        sides = {side for a, side in picks if a == area}
        if sides == MIDLINE:
            sites.append(Site(area, "midline"))
        elif sides == {"left", "right"}:
            sites.append(Site(area, "bilateral"))
        else:
            sites.extend(Site(area, side) for side in sorted(sides))
    return sites


def every_area_has_its_regions() -> bool:
    """Each area code has a region per side it can be treated on (left and right, or
    midline): checked by a test, so a new area in the vocabulary needs its place here."""
    wanted = {
        (code, side)
        for code, area in AREAS.items()
        for side in (area.lateralities & {"left", "right", "midline"})
    }
    return wanted == set(REGIONS)
