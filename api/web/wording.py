"""The clinic's words for what the store keeps in codes: vocabularies, entry types, the
meaning of a signature, and an entry's details in one line."""

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


def summary(details: dict, limit: int = 400) -> str:
    """An entry's details in one line (nested values flattened, empty ones left out)."""
    parts = []
    for key, value in details.items():
        if key in NOT_SHOWN:
            continue
        if isinstance(value, dict):
            value = summary(value, limit)
        elif isinstance(value, list):
            value = ", ".join(summary(v, limit) if isinstance(v, dict) else str(v) for v in value)
        if value not in (None, "", "[]"):
            parts.append(f"{words(key)}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"
