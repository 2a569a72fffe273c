"""The document's text patterns refuse exactly what the domain's rules of text refuse: a
client that validates against the document is never surprised by the server."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from api.http.schemas.text import ANY_TEXT, VISIBLE_LINE, VISIBLE_TEXT
from domain.errors import InvalidEntry
from domain.text import LINE_BREAKS, is_forbidden, require_name, require_text

# Names, marks, spaces, controls and bidi overrides, mixed: what trips a rule, and what not.
TRICKY = st.text(st.one_of(
    st.characters(), st.sampled_from("\u202e\u2066\u200b\u0301\u00a0\x85\t\n\r\x00 \u3000a")),
    max_size=12)


def matches(pattern: str, text: str) -> bool:
    """As JSON Schema reads a pattern (ECMA-262): `$` is the end of the text, not also the
    place before a final line break as in Python."""
    return re.search(pattern.removesuffix("$") + r"\Z", text) is not None


def accepted(rule, text: str) -> bool:
    try:
        rule("field", text, max_length=100)
    except InvalidEntry:
        return False
    return True


@settings(max_examples=300, database=None)
@given(TRICKY)
def test_a_name_matches_the_pattern_exactly_when_the_domain_takes_it(text):
    assert not matches(VISIBLE_LINE, "Ann\n")
    assert matches(VISIBLE_LINE, text) == accepted(require_name, text), repr(text)


@settings(max_examples=300, database=None)
@given(TRICKY)
def test_a_text_matches_the_pattern_exactly_when_the_domain_takes_it(text):
    assert matches(VISIBLE_TEXT, text) == accepted(require_text, text), repr(text)


@settings(max_examples=300, database=None)
@given(TRICKY)
def test_a_note_matches_the_pattern_exactly_when_it_holds_no_forbidden_mark(text):
    clean = not any(is_forbidden(c, LINE_BREAKS) for c in text)
    assert matches(ANY_TEXT, text) == clean, repr(text)
