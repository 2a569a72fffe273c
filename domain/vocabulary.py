"""Controlled vocabularies of mesotherapy practice: data, not code paths.

Every code a clinician can type (area, technique, scale, contraindication, adverse event,
indication) is looked up here. Rules elsewhere read these tables; nothing branches on a
particular code except where the clinic's rules name it (under 18, serious events).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

SIDED = frozenset({"left", "right", "bilateral"})
MIDLINE = frozenset({"midline"})
LATERALITIES = SIDED | MIDLINE


@dataclass(frozen=True)
class Area:
    region: str
    name: str
    lateralities: frozenset[str]


def _areas(region: str, sided: str, midline: str = "") -> dict[str, Area]:
    table = {}
    for names, lateralities in ((sided, SIDED), (midline, MIDLINE)):
        for name in names.split():
            table[f"{region}.{name}"] = Area(region, name.replace("_", " "), lateralities)
    return table


AREAS: dict[str, Area] = {
    **_areas("face", "periorbital cheeks jawline", "forehead perioral"),
    **_areas("neck", "", "anterior"),
    **_areas("decolletage", "", "central"),
    **_areas("hands", "dorsum"),
    **_areas("scalp", "temporal", "frontal vertex occipital"),
    **_areas("abdomen", "", "central"),
    **_areas("flanks", "lateral"),
    **_areas("buttocks", "gluteal"),
    **_areas("thighs", "anterior posterior lateral medial"),
    **_areas("upper_arms", "posterior"),
    **_areas("knees", "medial"),
    **_areas("pain", "shoulder elbow knee_joint ankle", "cervical_spine lumbar_spine"),
}


@dataclass(frozen=True)
class DepthRange:
    """Depth in mm; `upper_inclusive` is False where the range is "below" a bound."""

    low: Decimal
    high: Decimal
    upper_inclusive: bool = True

    def admits(self, depth_mm: Decimal) -> bool:
        below_top = depth_mm <= self.high if self.upper_inclusive else depth_mm < self.high
        return self.low <= depth_mm and below_top

    def __str__(self) -> str:
        return f"{self.low}–{self.high} mm" if self.upper_inclusive else f"< {self.high} mm"


TECHNIQUES: dict[str, DepthRange] = {
    "epidermal": DepthRange(Decimal("0.1"), Decimal("1"), upper_inclusive=False),
    "papule": DepthRange(Decimal("1"), Decimal("2")),
    "nappage": DepthRange(Decimal("2"), Decimal("4")),
    "linear_retrograde": DepthRange(Decimal("1.5"), Decimal("2.5")),
    "point_by_point": DepthRange(Decimal("4"), Decimal("12")),
    "mesoperfusion": DepthRange(Decimal("2"), Decimal("6")),
}

NEEDLE_GAUGES = range(27, 33)
NEEDLE_LENGTH_MM = (Decimal("4"), Decimal("13"))


@dataclass(frozen=True)
class Scale:
    name: str
    low: Decimal
    high: Decimal
    lower_is_better: bool
    unit: str = "score"

    def admits(self, score: Decimal) -> bool:
        return self.low <= score <= self.high

    def improvement(self, baseline: Decimal, latest: Decimal) -> Decimal:
        """Positive when the patient got better, whichever way the scale runs."""
        return baseline - latest if self.lower_is_better else latest - baseline


def _scale(name: str, low: int, high: int, lower_is_better: bool = True, unit: str = "score"):
    return Scale(name, Decimal(low), Decimal(high), lower_is_better, unit)


SCALES: dict[str, Scale] = {
    "gais": _scale("Global Aesthetic Improvement Scale", 1, 5),
    "hexsel_csss": _scale("Hexsel cellulite severity scale", 0, 15),
    "wsrs": _scale("Wrinkle Severity Rating Scale", 1, 5),
    "mmasi": _scale("modified Melasma Area and Severity Index", 0, 24),
    "hair_density": _scale("Hair density", 0, 1000, lower_is_better=False, unit="hairs/cm²"),
    "norwood": _scale("Norwood–Hamilton stage (I–VII)", 1, 7),
    "ludwig": _scale("Ludwig stage (I–III)", 1, 3),
    "pain_vas": _scale("Pain visual analogue scale", 0, 10),
}

SCALE_REGIONS: dict[str, frozenset[str]] = {
    "hair_density": frozenset({"scalp"}),
    "norwood": frozenset({"scalp"}),
    "ludwig": frozenset({"scalp"}),
    "hexsel_csss": frozenset({"thighs", "buttocks", "abdomen", "flanks", "upper_arms"}),
    "wsrs": frozenset({"face", "neck"}),
    "mmasi": frozenset({"face", "neck"}),
    "pain_vas": frozenset({"pain"}),
}
"""The regions each scale is scored on; a scale not listed (GAIS) fits anywhere."""

ABSOLUTE = "absolute"
ABSOLUTE_OR_RELATIVE = "absolute_or_relative"
RELATIVE = "relative"

UNDER_18 = "under_18"
CONTRAINDICATIONS: dict[str, str] = {
    "pregnancy": ABSOLUTE,
    "breastfeeding": ABSOLUTE,
    "allergy_to_ingredient": ABSOLUTE,
    "active_cancer": ABSOLUTE,
    "active_infection_or_skin_disease_in_area": ABSOLUTE,
    "anticoagulant_or_antiplatelet_therapy": ABSOLUTE_OR_RELATIVE,
    "clotting_disorder": ABSOLUTE_OR_RELATIVE,
    "autoimmune_disease": RELATIVE,
    "uncontrolled_diabetes": RELATIVE,
    "serious_cardiovascular_disease": RELATIVE,
    "chronic_renal_failure": RELATIVE,
}
"""The checklist a clinician answers at screening. Age (under 18) is computed, not asked."""


@dataclass(frozen=True)
class Indication:
    name: str
    efficacy_established: bool = True


INDICATIONS: dict[str, Indication] = {
    "cellulite": Indication("Cellulite"),
    "stretch_marks": Indication("Stretch marks"),
    "wrinkles": Indication("Wrinkles"),
    "pigmentation": Indication("Sun spots and pigmentation"),
    "skin_rejuvenation": Indication("Skin rejuvenation"),
    "alopecia": Indication("Hair loss (alopecia)"),
    "localised_fat": Indication("Localised fat / body contouring", efficacy_established=False),
    "pain": Indication("Acute or chronic pain"),
    "sports_injury": Indication("Sports injury"),
    "venous_lymphatic": Indication("Venous-lymphatic disorder"),
}

EFFICACY_NOT_ESTABLISHED = (
    "Efficacy and safety of mesotherapy for this indication are not established."
)

ADVERSE_EVENT_KINDS = frozenset({
    "pain", "erythema", "swelling", "bruising", "pruritus", "hyperpigmentation",
    "infection", "atypical_mycobacterial_infection", "nodule_granuloma", "panniculitis",
    "necrosis", "allergic_reaction", "other",
})
SEVERITIES = ("mild", "moderate", "severe")

CONSENT_SCOPES = frozenset({"treatment", "photography", "data_sharing"})
FITZPATRICK_TYPES = frozenset({"I", "II", "III", "IV", "V", "VI"})
SEXES = frozenset({"female", "male", "intersex", "unknown"})

INGREDIENT_CATEGORIES = frozenset({
    "vitamin", "mineral", "enzyme", "amino_acid", "hormone", "antioxidant",
    "hyaluronic_acid", "local_anaesthetic", "peptide", "plant_extract", "other",
})
MASS_UNITS_IN_MG = {"g": Decimal(1000), "mg": Decimal(1), "mcg": Decimal("0.001")}
AMOUNT_UNITS = frozenset(MASS_UNITS_IN_MG) | {"IU", "mL"}
VEHICLE_BASES = frozenset({"aqueous", "alcohol", "oil"})

ROLES = frozenset({"clinician", "nurse", "receptionist", "auditor", "admin", "regulator"})


class CourseStatus(StrEnum):
    """Where a treatment course stands. Stored and shown as its value ("active", …)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"

    @property
    def is_open(self) -> bool:
        """An open course can still be treated under, or changed."""
        return self in (CourseStatus.ACTIVE, CourseStatus.SUSPENDED)
