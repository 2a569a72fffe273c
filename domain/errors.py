"""The two ways the domain says no: a rule refused the entry, or the entry is malformed."""

from __future__ import annotations

from typing import ClassVar


class RuleViolation(Exception):
    """A rule of clinical practice refused the command; nothing was recorded.

    Each refusal declares `rule`, the stable code a client can branch on (as an event
    declares its TOPIC), next to its docstring, the rule in words. A refusal that declares
    no code, or one another refusal has, is refused when its class is made.
    """

    rule: ClassVar[str]
    field: ClassVar[str | None] = None
    """The field of the command the rule asks about, where there is one."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("rule")
        if not isinstance(code, str) or not code:
            raise TypeError(f"{cls.__qualname__} declares no rule code (rule = \"...\")")
        known = RULES.setdefault(code, cls)
        if known.__qualname__ != cls.__qualname__ or known.__module__ != cls.__module__:
            raise TypeError(f"{cls.__qualname__} and {known.__qualname__} both declare {code}")
        RULES[code] = cls

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


RULES: dict[str, type[RuleViolation]] = {}
"""Every rule declared so far: its code → its refusal. The modules domain.application
imports declare all of the domain's."""


def rule_catalogue() -> dict[str, type[RuleViolation]]:
    """Every declared rule, code → refusal, in code order."""
    return dict(sorted(RULES.items()))


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

    rule = "duplicate_mrn"
