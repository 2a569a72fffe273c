"""How value objects are written into stored events, and read back exactly as they were."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.course_state import DatedEntry, GivenDose, LiveFormulation
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.formulation import Formula, Ingredient, Vehicle
from domain.lots import ProductLot
from domain.patient import Consent
from domain.patient_history import SealedVersion
from domain.protocol import Component
from domain.screening import Screening, ScreeningAnswers
from domain.standing import ConditionChange, ConsentChange, DatedScreening, KnownAllergy
from domain.values import Actor, Site

VALUE_OBJECTS = (
    Actor, Site, Consent, ScreeningAnswers, Screening, CoursePlan, Ingredient, Vehicle,
    Formula, Dose, Outcome, AdverseEventReport, LiveFormulation, GivenDose, DatedEntry,
    ConsentChange, DatedScreening, KnownAllergy, ConditionChange, SealedVersion, ProductLot,
    Component,
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
    so tuple fields come back as the tuples they were.
    """

    def __init__(self, cls: type) -> None:
        self.type = cls
        self.name = cls.__name__
        self.fields = dataclasses.fields(cls)
        self.field_names = tuple(f.name for f in self.fields)
        hints = typing.get_type_hints(cls)
        self.tuple_fields = tuple(f.name for f in self.fields if _is_tuple(hints[f.name]))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in self.fields}

    def decode(self, data: dict[str, Any]) -> Any:
        # Decoded each time a record is loaded or a view reads the log: kept to the few
        # steps it needs (encode writes the fields in their declared order).
        if tuple(data) != self.field_names:  # written before a field was added or removed
            data = {f.name: data[f.name] if f.name in data else _default_of(f)
                    for f in self.fields}
        for name in self.tuple_fields:
            if type(data[name]) is list:
                data[name] = tuple(data[name])
        obj = object.__new__(self.type)
        # The decoded dict becomes the instance's: a frozen dataclass refuses setattr.
        object.__setattr__(obj, "__dict__", data)
        return obj


def _is_tuple(hint: Any) -> bool:
    """Whether a field holds a tuple (`tuple[...]`, or optionally one)."""
    return typing.get_origin(hint) is tuple or any(
        typing.get_origin(arg) is tuple for arg in typing.get_args(hint))


def _default_of(field: dataclasses.Field) -> Any:
    """A field added after a record was written takes its declared default."""
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def register_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_OBJECTS:
        transcoder.register(ValueObjectAsDict(cls))
