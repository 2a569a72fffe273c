"""The clinic's words for what the store keeps in codes: vocabularies, entry types, the
meaning of a signature, and an entry's details, field by field or in one line."""

from __future__ import annotations

import re


def options(codes) -> list[tuple[str, str]]:
    """A vocabulary's codes as (value, words) for a select."""
    return [(code, words(code)) for code in sorted(codes)]


def words(code: str) -> str:
    """A code in the clinic's words: thighs.lateral → thighs, lateral."""
    return str(code).replace(".", ", ").replace("_", " ")


def entry_name(event_type: str) -> str:
    """An entry's type in the clinic's words: AllergyRecorded → allergy recorded."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", event_type).lower()


SIGNED_AS = {
    "authorship": "author",
    "review": "reviewer",
    "approval": "approver",
    "cosignature": "co-signature",
}
"""What a signature means, in a word, as a signed entry shows it."""


NOT_SHOWN = frozenset({"originator_topic", "patient_id", "clinic", "course_id"})


def fields(details: dict) -> list[tuple[str, str | list]]:
    """An entry's details as (label, value) in the clinic's words, a nested record as its own
    list, empty ones left out; values stay as recorded (a signature binds them)."""
    shown: list[tuple[str, str | list]] = []
    for key, value in details.items():
        if key in NOT_SHOWN:
            continue
        if isinstance(value, dict):
            value = fields(value)
        elif isinstance(value, list):
            value = ", ".join(summary(v) if isinstance(v, dict) else str(v) for v in value)
        if value not in (None, "", "[]", []):
            shown.append((words(key), value if isinstance(value, list) else str(value)))
    return shown


def summary(details: dict, limit: int = 400) -> str:
    """An entry's details in one line (nested values flattened, empty ones left out)."""
    text = _line(fields(details))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line(pairs: list[tuple[str, str | list]]) -> str:
    return "; ".join(f"{label}: {_line(value) if isinstance(value, list) else value}"
                     for label, value in pairs)
