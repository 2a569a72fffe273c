"""How the server writes and reads stored events and snapshots, a little faster than the
library's JSON transcoder and the domain's value-object transcodings alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Transcoding

from domain.course_state import GivenDose
from domain.values import Site


class RecordTranscoder(JSONTranscoder):
    """The library's JSON transcoder, reading a little faster: its hook runs for every JSON
    object in a stored event (a dozen per injection), and most are not transcoded values;
    decimals and date-times are made by their types directly, without a call between."""

    MADE_DIRECTLY: dict[type, Callable[[Any], Any]] = {
        DecimalAsStr: Decimal, DatetimeAsISO: datetime.fromisoformat}

    def __init__(self) -> None:
        self.decoders: dict[str, Callable[[Any], Any]] = {}
        super().__init__()

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self.decoders[transcoding.name] = self.MADE_DIRECTLY.get(type(transcoding),
                                                                 transcoding.decode)

    def _decode_obj(self, d: dict[str, Any]) -> Any:
        if len(d) == 2 and "_type_" in d and "_data_" in d:
            try:
                return self.decoders[d["_type_"]](d["_data_"])
            except KeyError:
                return super()._decode_obj(d)  # names the unknown type
        return d


class GivenDoseAsRow(Transcoding):
    """A dose a course remembers, as one JSON row: a long course's snapshot holds hundreds,
    and a row is written and read in one step where the domain's nested shape (the dose,
    its site, its volume) takes five. Read back as stored, without re-validating the site
    (a vocabulary changed later never makes an old snapshot unreadable)."""

    type = GivenDose
    name = "given_dose_row"

    def encode(self, dose: GivenDose) -> list:
        return [dose.entry_version, dose.session, dose.site.area, dose.site.laterality,
                str(dose.volume_ml), dose.formulation_version]

    def decode(self, row: list) -> GivenDose:
        entry_version, session, area, laterality, volume, formulation_version = row
        # Made as stored, without a call per field (the site is not checked again).
        site = object.__new__(Site)
        object.__setattr__(site, "__dict__", {"area": area, "laterality": laterality})
        dose = object.__new__(GivenDose)
        object.__setattr__(dose, "__dict__", {
            "entry_version": entry_version, "session": session, "site": site,
            "volume_ml": Decimal(volume), "formulation_version": formulation_version})
        return dose
