"""Text as the clinic's records take it: something visible, no control characters, and no
marks that reorder how it is shown (a name holding them reads other than it is)."""

from __future__ import annotations

import unicodedata
from typing import Any

from domain.errors import InvalidEntry

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
"""Marks that reorder how text is shown: a name holding them reads other than it is."""
LINE_BREAKS = frozenset("\t\n\r")
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Mn"})
"""Controls, format marks, spaces and combining marks: alone, they show nothing."""


def require_text(field: str, value: Any, max_length: int = 500) -> str:
    """Text with something visible in it; no control or bidirectional-override marks
    (tabs and line breaks allowed)."""
    return _require_visible(field, value, max_length, LINE_BREAKS)


def require_name(field: str, value: Any, max_length: int = 200) -> str:
    """A name, MRN or code: one line of visible text, returned NFC-normalised."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
    return _require_visible(field, value, max_length, frozenset())


def _require_visible(field: str, value: Any, max_length: int, allowed: frozenset) -> str:
    if not isinstance(value, str) or not any(is_visible(c) for c in value):
        raise InvalidEntry(field, "is required (visible characters)")
    if len(value) > max_length:
        raise InvalidEntry(field, f"is longer than {max_length} characters")
    if any(is_forbidden(c, allowed) for c in value):
        raise InvalidEntry(field, "holds control or bidirectional-override characters")
    return value


def is_visible(char: str) -> bool:
    """A character that shows: not a space, a control, a format mark or a combining mark."""
    return not (char.isspace() or unicodedata.category(char) in INVISIBLE_CATEGORIES)


def is_forbidden(char: str, allowed: frozenset = frozenset()) -> bool:
    """A control (other than those allowed) or a mark that reorders how text is shown."""
    return char in BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and char not in allowed)
