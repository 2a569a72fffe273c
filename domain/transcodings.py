"""How value objects are written into stored events, and read back exactly as they were."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.formulation import Formula, Ingredient, Vehicle
from domain.patient import Consent
from domain.screening import Screening, ScreeningAnswers
from domain.values import Actor, Site

VALUE_OBJECTS = (
    Actor, Site, Consent, ScreeningAnswers, Screening, CoursePlan, Ingredient, Vehicle,
    Formula, Dose, Outcome, AdverseEventReport,
)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValueObjectAsDict(Transcoding):
    """A frozen dataclass as a dict of its fields.

    Decoding restores the object as it was stored without re-running its validation, so a
    vocabulary that changes later never makes an old record unreadable. JSON has no tuples,
    so list fields come back as the tuples they were.
    """

    def __init__(self, cls: type) -> None:
        self.type = cls
        self.name = cls.__name__
        self.fields = dataclasses.fields(cls)

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in self.fields}

    def decode(self, data: dict[str, Any]) -> Any:
        obj = object.__new__(self.type)
        for f in self.fields:
            value = data[f.name] if f.name in data else _default_of(f)
            object.__setattr__(obj, f.name, tuple(value) if isinstance(value, list) else value)
        return obj


def _default_of(field: dataclasses.Field) -> Any:
    """A field added after a record was written takes its declared default."""
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def register_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_OBJECTS:
        transcoder.register(ValueObjectAsDict(cls))
