"""The human-readable copy (export?format=html): every entry shows who and when, voided
entries are struck through with who voided them, when and why, the page names the checkpoint
it was proven against, and whatever people typed is escaped."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.api.conftest import Given
from tests.regulator.test_erasure import TEN_YEARS_AND_A_DAY, erase
from tests.regulator.test_export import REGULATOR, exported, treated_patient
from tests.regulator.test_fhir import changed_patient, demo_patients

NAME = '<script>alert("pwned")</script> Eve & Co'
REASON = "<img src=x onerror=alert(1)> wrong side"


@dataclass
class Shown:
    """What one entry of the page shows, inside <del> (struck) and outside it."""

    classes: list[str]
    text: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    struck_text: list[str] = field(default_factory=list)
    struck_times: list[str] = field(default_factory=list)

    def says(self, words: str, struck: bool = False) -> bool:
        return words in "".join(self.struck_text if struck else self.text)


class Page(HTMLParser):
    """The page as a browser reads it: its tags, entries, labelled fields and style."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.entries: dict[int, Shown] = {}
        self.fields: dict[str, str] = {}
        self.style = ""
        self._entry: Shown | None = None
        self._struck = 0
        self._in: str | None = None
        self._label = ""
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs, self._in = dict(attrs), tag
        self.tags.append(tag)
        if tag == "article":
            self._entry = Shown(attrs["class"].split())
            self.entries[int(attrs["data-position"])] = self._entry
        elif tag == "del":
            self._struck += 1
        elif tag == "time" and self._entry:
            (self._entry.struck_times if self._struck else self._entry.times).append(
                attrs["datetime"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._entry = None
        elif tag == "del":
            self._struck -= 1

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.style += data
        elif self._entry:
            (self._entry.struck_text if self._struck else self._entry.text).append(data)
        elif self._in == "dt":
            self._label = data
        elif self._in in ("dd", "code", "time") and self._label:
            self.fields[self._label] = self.fields.get(self._label, "") + data


def page_of(client, pid: str) -> tuple[str, Page]:
    response = client.get(f"/v1/patients/{pid}/export", params={"format": "html"},
                          headers=REGULATOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text, Page(response.text)


def test_every_entry_shows_who_and_when_and_voided_ones_are_struck_through(client, app):
    voids = 0
    for _story, pid in demo_patients(app):
        history, (_, page) = exported(client, pid)["history"], page_of(client, pid)
        assert sorted(page.entries) == [entry["position"] for entry in history]
        for entry in history:
            shown, voided = page.entries[entry["position"]], entry["voided_by"]
            assert shown.says(entry["actor"]["name"], struck=bool(voided))
            assert shown.says(entry["actor"]["role"], struck=bool(voided))
            times = shown.struck_times if voided else shown.times
            assert {entry["recorded_at"], entry["occurred_at"]} <= set(times)
            assert ("voided" in shown.classes) == bool(voided)
            if voided:
                voids += 1
                assert shown.says(voided["actor"]["name"]) and shown.says(voided["reason"])
                assert voided["at"] in shown.times
            else:
                assert not shown.struck_text
    assert voids, "the demo clinics void an entry"


def test_every_reason_given_is_shown_as_why(client, clock):
    pid = changed_patient(Given(client, clock), clock)
    history, (_, page) = exported(client, pid)["history"], page_of(client, pid)

    reasons = [(e["position"], e["details"]["reason"]) for e in history
               if e["details"].get("reason")]
    assert len(reasons) == 6  # amendment, withdrawal, resolution, plan, void, suspension
    for position, reason in reasons:
        assert page.entries[position].says(f"Why: {reason}")


def test_struck_entries_are_drawn_struck_through_on_screen_and_in_print(client, clock):
    _, page = page_of(client, treated_patient(client, clock))

    assert "line-through" in page.style and "@media print" in page.style
    assert any("voided" in shown.classes for shown in page.entries.values())


def test_the_page_names_the_checkpoint_it_was_proven_against(client, clock):
    pid = treated_patient(client, clock)
    _, page = page_of(client, pid)
    origin, size, root = exported(client, pid)["checkpoint"].split("\n")[:3]  # the same

    assert (page.fields["Log"], page.fields["Log size"], page.fields["Merkle root"]) == (
        origin, size, root)
    assert page.fields["Witnessed by"] == "no witness"


def test_a_name_or_reason_with_markup_is_shown_as_text_never_run(client, clock):
    given = Given(client, clock)
    pid = given.screened_patient("MRN-XSS", name=NAME)
    course = given.formulated_course(pid)
    shot = given.injected(course)
    given.post(f"/v1/courses/{course}/voids", {"version": shot["version"], "reason": REASON})

    markup, page = page_of(client, pid)

    assert "<script" not in markup and "<img" not in markup
    assert "script" not in page.tags and "img" not in page.tags
    assert page.fields["Name"] == NAME
    assert any(shown.says(REASON) for shown in page.entries.values())


def test_an_erased_patient_reads_erased(client, clock):
    pid = treated_patient(client, clock)
    clock.advance(days=TEN_YEARS_AND_A_DAY)
    assert erase(client, pid).status_code == 201

    markup, page = page_of(client, pid)

    assert page.fields["Name"] == page.fields["Date of birth"] == "[erased]"
    assert "Genevieve" not in markup and "1985-03-14" not in markup
