"""The two ways the domain says no: a rule refused the entry, or the entry is malformed."""

from __future__ import annotations

import re


class RuleViolation(Exception):
    """A rule of clinical practice refused the command; nothing was recorded.

    Subclasses are named after the rule; their docstring is the rule in words, and
    `rule` (derived from the class name) is the stable code a client can branch on.
    """

    rule: str = "rule_violation"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__name__.removesuffix("Error")
        cls.rule = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidEntry(ValueError):
    """A field of an entry is malformed or outside its vocabulary; nothing was recorded."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class NotFoundError(LookupError):
    """No patient or course with that id (in this clinic)."""


class StaleVersionError(Exception):
    """The caller expected another version of the record than the one stored."""

    def __init__(self, expected: int, actual: int):
        super().__init__(f"expected version {expected}, the record is at version {actual}")
        self.expected = expected
        self.actual = actual


class RecordChangedError(Exception):
    """A record the decision relied on (the patient's standing, for a course entry) changed
    before the entry was saved; nothing was saved, and the decision is taken again."""


class RecordBusyError(Exception):
    """Other writers kept changing the record; every attempt met a newer version."""


class DuplicateMrnError(RuleViolation):
    """A medical record number is unique within a clinic."""
