"""The domain's rules of text (domain/text.py) as JSON Schema patterns, made by asking the
domain's own predicates about every code point once, so the document refuses exactly what the
server refuses: nothing visible, a control character, a bidirectional-override mark."""

from __future__ import annotations

import sys
import unicodedata

from domain.text import BIDI_CONTROLS, INVISIBLE_CATEGORIES, LINE_BREAKS


def _points() -> tuple[list[int], list[int]]:
    """Every code point that shows nothing, and every one a name may not hold, as the
    domain's predicates (domain/text.py) judge them; one pass, about a fifth of a second."""
    invisible, controls = [], []
    category = unicodedata.category
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        kind = category(char)
        if kind in INVISIBLE_CATEGORIES or char.isspace():
            invisible.append(point)
        if kind == "Cc" or char in BIDI_CONTROLS:
            controls.append(point)
    return invisible, controls


def _class(points: list[int]) -> str:
    """A regex character class body for these code points, as ranges."""
    ranges: list[list[int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "".join(_char(low) if low == high else f"{_char(low)}-{_char(high)}"
                   for low, high in ranges)


def _char(point: int) -> str:
    """\\uXXXX in the plane every regex dialect reads so; the character itself above it."""
    return f"\\u{point:04x}" if point <= 0xFFFF else chr(point)


def _patterns() -> tuple[str, str, str]:
    invisible, controls = _points()
    shows, in_a_name = _class(invisible), _class(controls)
    in_a_text = _class([p for p in controls if chr(p) not in LINE_BREAKS])
    return (f"^[^{in_a_name}]*[^{shows}][^{in_a_name}]*$",
            f"^[^{in_a_text}]*[^{shows}][^{in_a_text}]*$",
            f"^[^{in_a_text}]*$")


VISIBLE_LINE, VISIBLE_TEXT, ANY_TEXT = _patterns()
"""One line with something visible (names, codes, lots); text with something visible, line
breaks allowed (reasons); text that may be empty (notes), without forbidden marks."""
