"""The body map covers the vocabulary: a region for every area and side, and picking both
sides of an area plans it bilateral."""

from api.web import body_map
from domain.values import Site
from domain.vocabulary import AREAS


def test_every_area_code_and_side_has_a_region_on_the_map():
    assert body_map.every_area_has_its_regions()
    named = {region.name for region in body_map.regions(set())}
    assert len(named) == len(body_map.REGIONS)  # every region has its own name


def test_both_sides_of_an_area_are_planned_bilateral_and_one_side_as_itself():
    picks = body_map.picks_of(
        [
            "thighs.lateral:left",
            "thighs.lateral:right",
            "face.cheeks:left",
            "abdomen.central:midline",
            "no.such:area",
            "thighs.medial:sideways",
        ]
    )
    assert body_map.sites_of(picks) == [
        Site("abdomen.central", "midline"),
        Site("face.cheeks", "left"),
        Site("thighs.lateral", "bilateral"),
    ]


def test_a_region_links_to_the_map_with_its_pick_toggled():
    picked = {("face.cheeks", "left")}
    links = {(r.area, r.side): r for r in body_map.regions(picked)}
    assert links[("face.cheeks", "left")].picked
    assert body_map.picks_of(_sites(links[("face.cheeks", "left")].href)) == set()
    assert body_map.picks_of(_sites(links[("neck.anterior", "midline")].href)) == picked | {
        ("neck.anterior", "midline")
    }
    assert all(code in {area for area, _ in body_map.REGIONS} for code in AREAS)


def _sites(href: str) -> list[str]:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(href).query).get("site", [])
