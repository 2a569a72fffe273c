"""The demo clinic's preparations, needles and forms: what its staff would type in."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

from domain.entries import Dose
from domain.formulation import Formula, Ingredient, Vehicle
from domain.patient import Consent
from domain.screening import ScreeningAnswers
from domain.values import Site
from domain.vocabulary import CONTRAINDICATIONS

SALINE = Vehicle("sodium chloride 0.9%", "aqueous")

# One part of a mix: substance, category, amount, unit, product, lot, years until expiry.
Part = tuple[str, str, str, str, str, str, int]

LIDOCAINE: Part = ("lidocaine", "local_anaesthetic", "20", "mg", "Lidocaine 2% ampoule",
                   "LID-2410", 2)
CELLULITE_ACTIVES: tuple[Part, ...] = (
    ("caffeine", "other", "50", "mg", "Caffeine 2.5% ampoule", "CAF-2411", 2),
    ("l-carnitine", "amino_acid", "500", "mg", "L-Carnitine 20% ampoule", "LCA-2408", 1),
    ("artichoke extract", "plant_extract", "40", "mg", "Cynara scolymus 2% ampoule",
     "ART-2409", 1),
    ("organic silicon", "mineral", "10", "mg", "Organic silicon 0.5% ampoule", "SIL-2402", 2),
)
REJUVENATION: tuple[Part, ...] = (
    ("hyaluronic acid", "hyaluronic_acid", "20", "mg", "Non-cross-linked HA 1% 2 mL",
     "NHA-2412", 1),
    ("ascorbic acid", "vitamin", "100", "mg", "Vitamin C 10% ampoule", "VTC-2407", 1),
    ("glutathione", "antioxidant", "60", "mg", "Glutathione 600 mg/5 mL", "GSH-2405", 1),
)
DEPIGMENTING: tuple[Part, ...] = (
    ("tranexamic acid", "other", "20", "mg", "Tranexamic acid 4 mg/mL", "TXA-2410", 2),
    ("ascorbic acid", "vitamin", "200", "mg", "Vitamin C 10% ampoule", "VTC-2407", 1),
    ("glutathione", "antioxidant", "120", "mg", "Glutathione 600 mg/5 mL", "GSH-2405", 1),
)
LIPOLYTIC: tuple[Part, ...] = (
    ("phosphatidylcholine", "other", "500", "mg", "Phosphatidylcholine 5% 5 mL",
     "PPC-2409", 1),
    ("sodium deoxycholate", "other", "475", "mg", "Sodium deoxycholate 4.75% 5 mL",
     "DOC-2409", 1),
)
ANALGESIC: tuple[Part, ...] = (
    ("ketoprofen", "other", "100", "mg", "Ketoprofen 100 mg/2 mL", "KET-2403", 2),
    ("thiocolchicoside", "other", "4", "mg", "Thiocolchicoside 4 mg/2 mL", "TCC-2406", 2),
    ("procaine", "local_anaesthetic", "20", "mg", "Procaine 2% ampoule", "PRC-2411", 2),
)
HAIR: tuple[Part, ...] = (
    ("biotin", "vitamin", "5", "mg", "Biotin 0.5% ampoule", "BIO-2404", 1),
    ("dexpanthenol", "vitamin", "250", "mg", "D-Panthenol 25% ampoule", "PAN-2408", 2),
    ("copper tripeptide-1", "peptide", "2", "mg", "GHK-Cu 0.1% 2 mL", "GHK-2410", 1),
)


def mix(parts: tuple[Part, ...], total_ml: str, today: date) -> Formula:
    """A formulation in saline; each lot expires on the first of this month a year or two on
    (the same date for a lot whichever patient it is used for)."""
    ingredients = tuple(
        Ingredient(substance, category, Decimal(amount), unit, product, lot,
                   date(today.year + years, today.month, 1))
        for substance, category, amount, unit, product, lot, years in parts)
    return Formula(ingredients, SALINE, Decimal(total_ml))


NEEDLES = {  # technique → (depth mm, gauge, needle length mm): the clinic's usual kit
    "epidermal": ("0.5", 32, "4"),
    "papule": ("1.5", 32, "4"),
    "nappage": ("3", 30, "4"),
    "point_by_point": ("6", 30, "13"),
}


def dose(session: int, site: Site, technique: str, volume_ml: str, points: int,
         lots: tuple[str, ...], supervisor: str | None = None, depth: str | None = None,
         formulation_version: int = 1) -> Dose:
    usual_depth, gauge, length = NEEDLES[technique]
    return Dose(session, site, technique, Decimal(depth or usual_depth), gauge, Decimal(length),
                points, Decimal(volume_ml), formulation_version, lots, supervisor)


CONSENT_FORMS = {"treatment": "TC-2025-3", "photography": "PH-2024-1",
                 "data_sharing": "DS-2024-2"}


def signed_consent(scope: str, mrn: str, signed_at: datetime) -> Consent:
    """The clinic's current form for the scope, with the digest of the signed scan."""
    form = CONSENT_FORMS[scope]
    scan = f"{form} signed by {mrn} at {signed_at.isoformat()}".encode()
    return Consent(scope, form, hashlib.sha256(scan).hexdigest(), signed_at)


def screening(*indications: str, present: tuple[str, ...] = (), skin: str = "III",
              allergies: tuple[str, ...] = (), override: str | None = None
              ) -> ScreeningAnswers:
    """The checklist answered: every contraindication is absent unless named in `present`."""
    checklist = {code: code in present for code in CONTRAINDICATIONS}
    return ScreeningAnswers(indications, checklist, skin, allergies, override)
