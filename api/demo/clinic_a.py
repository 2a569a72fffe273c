"""clinic-a: seven patients, one story each (days count back from today)."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import date, timedelta

from api.demo.chart import Chart, Staff, Story
from api.demo.recipes import (
    ANALGESIC,
    CELLULITE_ACTIVES,
    DEPIGMENTING,
    LIDOCAINE,
    LIPOLYTIC,
    REJUVENATION,
)
from api.demo.staff import demo_actor
from domain.entries import AdverseEventReport
from domain.personal_data import PersonalData
from domain.values import Actor, Site


def _person(name: str, role: str) -> Actor:
    return demo_actor(name, role, "clinic-a")


STAFF = Staff(_person("Dr Maria Rossi", "clinician"),
              _person("Nurse Tom Baker", "nurse"),
              _person("Ana Silva", "receptionist"))
CLINICIAN, NURSE = STAFF.clinician, STAFF.nurse

LATERAL_THIGHS = Site("thighs.lateral", "bilateral")
POSTERIOR_THIGHS = Site("thighs.posterior", "bilateral")
BUTTOCKS = Site("buttocks.gluteal", "bilateral")
CHEEKS = Site("face.cheeks", "bilateral")
NECK = Site("neck.anterior", "midline")
ABDOMEN = Site("abdomen.central", "midline")
FLANKS = Site("flanks.lateral", "bilateral")
LOWER_BACK = Site("pain.lumbar_spine", "midline")


def sides(site: Site) -> tuple[Site, Site]:
    """A bilateral area is injected one side at a time."""
    return Site(site.area, "left"), Site(site.area, "right")


def into_both_sides(chart: Chart, days_ago: int, session: int, site: Site, technique: str,
                    volume_ml: str, points: int, by: Actor) -> Generator[str, None, list[int]]:
    """Both sides injected; returns their entries."""
    entries = []
    for side in sides(site):
        entries.append((yield from chart.inject(days_ago, session, side, technique, volume_ml,
                                                points, by)))
    return entries


def sofia_cellulite(chart: Chart) -> Iterator[str]:
    """Ten weekly sessions into thighs and buttocks; four given, a bruise after the third."""
    yield from chart.register(29, "photography")
    yield from chart.screen(28, "cellulite")
    yield from chart.plan(28, "cellulite", (LATERAL_THIGHS, BUTTOCKS), 10, 7)
    yield from chart.sign(28, 1, "authorship", CLINICIAN)
    yield from chart.formulate(28, (*CELLULITE_ACTIVES, LIDOCAINE), "10")
    yield from chart.assess(28, LATERAL_THIGHS, "hexsel_csss", "9")
    yield from chart.assess(28, BUTTOCKS, "hexsel_csss", "7")
    for session, days_ago in enumerate((27, 20, 13, 6), start=1):
        by = CLINICIAN if session == 1 else NURSE
        thighs = yield from into_both_sides(chart, days_ago, session, LATERAL_THIGHS,
                                            "nappage", "3", 30, by)
        yield from into_both_sides(chart, days_ago, session, BUTTOCKS, "nappage", "2", 20, by)
        if session == 2:  # her later sessions wait in Dr Rossi's to-sign queue
            for entry in thighs:
                yield from chart.sign(days_ago, entry, "authorship", NURSE)
                yield from chart.sign(days_ago, entry, "cosignature", CLINICIAN)
        if session == 3:
            onset = chart.at(days_ago) + timedelta(hours=7)
            bruise = AdverseEventReport(Site("thighs.lateral", "left"), "bruising", "mild",
                                        False, onset, "cold compress and arnica gel advised "
                                        "by phone; review at the next session")
            yield from chart.report(days_ago - 1, bruise, NURSE)
    yield from chart.assess(6, LATERAL_THIGHS, "hexsel_csss", "7", session=4)
    yield from chart.assess(6, BUTTOCKS, "hexsel_csss", "6", session=4)


def claire_rejuvenation(chart: Chart) -> Iterator[str]:
    """Photoaged face and neck: four fortnightly sessions, a re-screening once the first ran
    out, a photography consent and a duplicate entry voided, the course completed."""
    yield from chart.register(47, "photography")
    yield from chart.void_consent(47, "photography", "the form signed was another patient's;"
                                  " no photographs until she signs her own")
    yield from chart.screen(46, "skin_rejuvenation", skin="II")
    yield from chart.plan(46, "skin_rejuvenation", (CHEEKS, NECK), 4, 14)
    yield from chart.formulate(46, REJUVENATION, "4")
    yield from chart.assess(46, CHEEKS, "wsrs", "3")
    yield from chart.assess(46, NECK, "wsrs", "3")
    for session, days_ago in enumerate((45, 31, 17, 3), start=1):
        if session == 3:  # the clinic's screenings hold for 30 days
            yield from chart.screen(days_ago, "skin_rejuvenation", skin="II")
        by = NURSE if session in (2, 3) else CLINICIAN
        yield from into_both_sides(chart, days_ago, session, CHEEKS, "papule", "1", 10, by)
        yield from chart.inject(days_ago, session, NECK, "nappage", "1.5", 15, by, depth="2")
        if session == 2:
            twice = yield from chart.inject(days_ago, session, NECK, "nappage", "1.5", 15, by,
                                            depth="2")
            yield from chart.void(days_ago, twice, "duplicate: the neck injection of "
                                  "session 2 was saved twice")
    yield from chart.assess(3, CHEEKS, "wsrs", "2", session=4)
    yield from chart.assess(3, NECK, "wsrs", "2", session=4)
    yield from chart.assess(3, CHEEKS, "gais", "2", session=4)
    yield from chart.change_status(3, "complete", "all four sessions given; review in 6 months")


def daniel_localised_fat(chart: Chart) -> Iterator[str]:
    """Abdomen and flanks, deep point by point; the record says efficacy is not established."""
    yield from chart.register(25)
    yield from chart.screen(24, "localised_fat", skin="IV")
    yield from chart.plan(24, "localised_fat", (ABDOMEN, FLANKS), 3, 21)
    yield from chart.formulate(24, (*LIPOLYTIC, LIDOCAINE), "10")
    for session, days_ago in ((1, 23), (2, 2)):
        yield from chart.inject(days_ago, session, ABDOMEN, "point_by_point", "5", 25, CLINICIAN)
        yield from into_both_sides(chart, days_ago, session, FLANKS, "point_by_point", "2.5",
                                   12, CLINICIAN)
    yield from chart.assess(2, ABDOMEN, "gais", "4", session=2)


def amira_pigmentation(chart: Chart) -> Iterator[str]:
    """Sun spots on both cheeks; her treated thyroiditis is a relative contraindication the
    clinician overrides in writing."""
    yield from chart.register(16, "photography")
    yield from chart.screen(15, "pigmentation", skin="IV", present=("autoimmune_disease",),
                            override="Hashimoto's thyroiditis, euthyroid on levothyroxine for"
                            " 6 years, no skin involvement; endocrinologist's letter on file")
    yield from chart.plan(15, "pigmentation", (CHEEKS,), 4, 14)
    yield from chart.formulate(15, DEPIGMENTING, "3")
    yield from chart.assess(15, CHEEKS, "mmasi", "8.4")
    yield from into_both_sides(chart, 15, 1, CHEEKS, "epidermal", "1", 20, CLINICIAN)
    yield from into_both_sides(chart, 1, 2, CHEEKS, "epidermal", "1", 20, NURSE)


def lucia_cellulite(chart: Chart) -> Iterator[str]:
    """Allergic to lidocaine, so the usual mix is refused; folliculitis found before the
    third session stops treatment until she is screened again."""
    yield from chart.register(22)
    yield from chart.screen(21, "cellulite", allergies=("lidocaine",))
    yield from chart.plan(21, "cellulite", (POSTERIOR_THIGHS,), 8, 7)
    yield from chart.attempt("the usual mix with lidocaine",
                             chart.formulate(21, (*CELLULITE_ACTIVES, LIDOCAINE), "8"))
    yield from chart.formulate(21, CELLULITE_ACTIVES, "8")
    yield from chart.assess(21, POSTERIOR_THIGHS, "hexsel_csss", "11")
    for session, days_ago in ((1, 20), (2, 13)):
        yield from into_both_sides(chart, days_ago, session, POSTERIOR_THIGHS, "nappage", "3",
                                   30, NURSE)
    yield from chart.record_condition(6, "folliculitis, posterior thighs",
                                      "pustules seen before session 3; referred to her GP")
    yield from chart.attempt("session 3", chart.inject(6, 3, Site("thighs.posterior", "left"),
                                                       "nappage", "3", 30, NURSE))


def hannah_pregnant(chart: Chart) -> Iterator[str]:
    """Pregnant: her screening is recorded as ineligible, and no course can be planned."""
    yield from chart.register(5)
    yield from chart.screen(4, "stretch_marks", present=("pregnancy",))
    yield from chart.attempt("planning a course for stretch marks",
                             chart.plan(4, "stretch_marks", (ABDOMEN,), 6, 14))


def oliver_back_pain(chart: Chart) -> Iterator[str]:
    """Chronic low back pain: weekly sessions by the clinician, the pain score falling."""
    yield from chart.register(21)
    yield from chart.screen(20, "pain", skin="II")
    yield from chart.plan(20, "pain", (LOWER_BACK,), 5, 7)
    yield from chart.formulate(20, ANALGESIC, "5")
    yield from chart.assess(20, LOWER_BACK, "pain_vas", "7")
    for session, days_ago in enumerate((20, 13, 6), start=1):
        yield from chart.inject(days_ago, session, LOWER_BACK, "point_by_point", "4", 20,
                                CLINICIAN, depth="4")
    yield from chart.assess(6, LOWER_BACK, "pain_vas", "4", session=3)


def _story(mrn: str, name: str, born: date, sex: str, contact: str, unfold) -> Story:
    return Story("clinic-a", mrn, PersonalData(name, born, sex, contact), STAFF, unfold)


STORIES = (
    _story("A-1001", "Sofia Marchetti", date(1987, 5, 2), "female",
           "sofia.marchetti@example.org", sofia_cellulite),
    _story("A-1002", "Claire Dubois", date(1969, 11, 23), "female", "+33 6 12 34 56 78",
           claire_rejuvenation),
    _story("A-1003", "Daniel Whitaker", date(1979, 2, 8), "male", "d.whitaker@example.net",
           daniel_localised_fat),
    _story("A-1004", "Amira Haddad", date(1991, 7, 19), "female", "amira.h@example.org",
           amira_pigmentation),
    _story("A-1005", "Lucía Fernández", date(1983, 9, 30), "female", "+34 612 345 678",
           lucia_cellulite),
    _story("A-1006", "Hannah Kowalski", date(1994, 1, 12), "female",
           "hannah.kowalski@example.com", hannah_pregnant),
    _story("A-1007", "Oliver Grant", date(1968, 4, 3), "male", "+44 7700 900123",
           oliver_back_pain),
)
