"""What a clinician enters into a course: the plan, a dose, an outcome, an adverse event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.clinical_time import require_instant
from domain.errors import InvalidEntry, RuleViolation
from domain.lots import ProductLot
from domain.text import is_visible
from domain.values import (
    Site,
    require_decimal,
    require_int,
    require_member,
    require_name,
    require_text,
)
from domain.vocabulary import (
    ADVERSE_EVENT_KINDS,
    INDICATIONS,
    NEEDLE_GAUGES,
    NEEDLE_LENGTH_MM,
    SCALES,
    SEVERITIES,
    TECHNIQUES,
)

MAX_SESSIONS = 20
MAX_INTERVAL_DAYS = 90
MAX_POINTS = 2000
MAX_FORMULATION_VERSION = 10_000


def require_sites(sites: tuple[Site, ...]) -> None:
    if not sites:
        raise InvalidEntry("areas", "at least one treated area is required")
    if len({(s.area, s.laterality) for s in sites}) != len(sites):
        raise InvalidEntry("areas", "an area is listed twice")


@dataclass(frozen=True)
class CoursePlan:
    indication: str
    sites: tuple[Site, ...]
    sessions: int
    interval_days: int

    def __post_init__(self) -> None:
        require_member("indication", self.indication, INDICATIONS)
        require_sites(self.sites)
        require_int("sessions", self.sessions, 1, MAX_SESSIONS)
        require_int("interval_days", self.interval_days, 1, MAX_INTERVAL_DAYS)


@dataclass(frozen=True)
class Dose:
    """One injection into one area during one session."""

    session: int
    site: Site
    technique: str
    depth_mm: Decimal
    needle_gauge: int
    needle_length_mm: Decimal
    points: int
    volume_ml: Decimal
    formulation_version: int
    lots: tuple[str, ...]
    supervisor: str | None = None
    interval_override: str | None = None  # why a session comes sooner than the plan says

    def __post_init__(self) -> None:
        require_int("session", self.session, 1, MAX_SESSIONS)
        require_member("technique", self.technique, TECHNIQUES)
        require_decimal("depth_mm", self.depth_mm)
        if self.needle_gauge not in NEEDLE_GAUGES or isinstance(self.needle_gauge, bool):
            raise InvalidEntry("needle_gauge", "must be a gauge from 27 to 32")
        low, high = NEEDLE_LENGTH_MM
        if not low <= require_decimal("needle_length_mm", self.needle_length_mm) <= high:
            raise InvalidEntry("needle_length_mm", f"must be between {low} and {high} mm")
        require_int("points", self.points, 1, MAX_POINTS)
        require_decimal("volume_ml", self.volume_ml)
        require_int("formulation_version", self.formulation_version, 1,
                    MAX_FORMULATION_VERSION)
        if not self.lots:
            raise InvalidEntry("lots", "name at least one lot used")
        for lot in self.lots:
            require_text("lots", lot, max_length=64)
        if self.supervisor is not None:
            require_name("supervisor", self.supervisor, max_length=200)
        if self.interval_override is not None:
            require_text("interval_override", self.interval_override, max_length=2000)


class ScoreOutOfScaleError(RuleViolation):
    """An outcome score lies within its scale's range (GAIS 1–5, Hexsel 0–15, …)."""

    rule = "score_out_of_scale"


class UndescribedAdverseEventError(RuleViolation):
    """An adverse event of kind `other` says what happened (`description`)."""

    rule = "undescribed_adverse_event"


BASELINE = "baseline"
FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class Outcome:
    site: Site
    scale: str
    score: Decimal
    kind: str
    session: int

    def __post_init__(self) -> None:
        require_member("scale", self.scale, SCALES)
        require_decimal("score", self.score, positive=False)
        scale = SCALES[self.scale]
        if not scale.admits(self.score):
            raise ScoreOutOfScaleError(f"{self.scale} runs from {scale.low} to {scale.high}")
        require_member("kind", self.kind, {BASELINE, FOLLOW_UP})
        require_int("session", self.session, 0, MAX_SESSIONS)


@dataclass(frozen=True)
class AdverseEventReport:
    site: Site | None
    kind: str
    severity: str
    serious: bool
    onset: datetime
    action_taken: str
    suspected_lots: tuple[str, ...] = ()
    description: str = ""
    suspected_injections: tuple[int, ...] = ()
    """The course's injections (by version) suspected of causing it."""
    suspected_product_lots: tuple[ProductLot, ...] = ()
    """The lots suspected, each with its product (`suspected_lots` names lot numbers only,
    as reports did before)."""

    def __post_init__(self) -> None:
        require_member("kind", self.kind, ADVERSE_EVENT_KINDS)
        require_member("severity", self.severity, SEVERITIES)
        if not isinstance(self.serious, bool):
            raise InvalidEntry("serious", "must be true or false")
        require_instant("onset", self.onset)
        require_text("action_taken", self.action_taken, max_length=2000)
        for lot in self.suspected_lots:
            require_text("suspected_lots", lot, max_length=64)
        if not isinstance(self.description, str) or len(self.description) > 2000:
            raise InvalidEntry("description", "must be text of at most 2000 characters")
        if self.kind == "other" and not any(is_visible(c) for c in self.description):
            raise UndescribedAdverseEventError("an adverse event of kind other needs a"
                                               " description")
        if self.kind == "other":
            require_text("description", self.description, max_length=2000)
        for version in self.suspected_injections:
            require_int("suspected_injections", version, 1, 1_000_000)
        for suspect in self.suspected_product_lots:
            if not isinstance(suspect, ProductLot):
                raise InvalidEntry("suspected_product_lots", "each names a product and a lot")
