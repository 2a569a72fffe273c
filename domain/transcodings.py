"""How value objects are written into stored events, and read back exactly as they were."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Transcoding

from domain.course_state import GivenDose, LiveFormulation
from domain.entries import AdverseEventReport, CoursePlan, Dose, Outcome
from domain.formulation import Formula, Ingredient, Vehicle
from domain.patient import Consent
from domain.screening import Screening, ScreeningAnswers
from domain.values import Actor, Site

VALUE_OBJECTS = (
    Actor, Site, Consent, ScreeningAnswers, Screening, CoursePlan, Ingredient, Vehicle,
    Formula, Dose, Outcome, AdverseEventReport, LiveFormulation, GivenDose,
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


class RecordTranscoder(JSONTranscoder):
    """The library's JSON transcoder, reading a little faster: its hook runs for every JSON
    object in a stored event (a dozen per injection), and most are not transcoded values;
    decimals and date-times are made by their types directly, without a call between."""

    def __init__(self) -> None:
        self.decoders: dict[str, Callable[[Any], Any]] = {}
        super().__init__()

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self.decoders[transcoding.name] = MADE_DIRECTLY.get(type(transcoding),
                                                            transcoding.decode)

    def _decode_obj(self, d: dict[str, Any]) -> Any:
        if len(d) == 2 and "_type_" in d and "_data_" in d:
            try:
                return self.decoders[d["_type_"]](d["_data_"])
            except KeyError:
                return super()._decode_obj(d)  # names the unknown type
        return d


MADE_DIRECTLY: dict[type, Callable[[Any], Any]] = {
    DecimalAsStr: Decimal, DatetimeAsISO: datetime.fromisoformat}


def register_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_OBJECTS:
        transcoder.register(ValueObjectAsDict(cls))
