"""The codes a FHIR copy of the record speaks: our own vocabularies under one base URL, and
the few international codes (SNOMED CT routes, HL7 terminology) the resources require.

The local code systems are the clinic's controlled vocabularies (domain/vocabulary.py),
published at `{CODE_SYSTEMS}/<name>`; every bundle carries the ones it uses as CodeSystem
resources, so a reader needs nothing else to read a code.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from domain.vocabulary import (
    ADVERSE_EVENT_KINDS,
    AREAS,
    CONSENT_SCOPES,
    CONTRAINDICATIONS,
    INDICATIONS,
    LATERALITIES,
    ROLES,
    SCALES,
    TECHNIQUES,
)

BASE_URL = "https://mesoledger.example/fhir"
CODE_SYSTEMS = f"{BASE_URL}/CodeSystem"
EXTENSIONS = f"{BASE_URL}/StructureDefinition"
ENTRY_SYSTEM = f"{BASE_URL}/entry"  # identifier of what one log entry made: record/version
LOG_POSITION_SYSTEM = f"{BASE_URL}/log-position"
STAFF_SYSTEM = f"{BASE_URL}/staff"
SCREENING_QUESTIONNAIRE = f"{BASE_URL}/Questionnaire/screening"
LATERALITY_EXTENSION = f"{EXTENSIONS}/laterality"
SITE_EXTENSION = f"{EXTENSIONS}/site"
ACTION_TAKEN_EXTENSION = f"{EXTENSIONS}/action-taken"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
DATA_OPERATION = f"{TERMINOLOGY}/v3-DataOperation"
EVENT_STATUS = "http://hl7.org/fhir/event-status"


def _words(code: str) -> str:
    return code.replace("_", " ")


# name → {code: display}: the local code systems, read from the clinic's vocabularies.
LOCAL: dict[str, dict[str, str]] = {
    "area": {code: f"{_words(a.region)} ({a.name})" for code, a in AREAS.items()},
    "laterality": {code: code for code in sorted(LATERALITIES)},
    "technique": {code: f"{_words(code)} ({depth})" for code, depth in TECHNIQUES.items()},
    "scale": {code: scale.name for code, scale in SCALES.items()},
    "indication": {code: i.name for code, i in INDICATIONS.items()},
    "contraindication": {code: f"{_words(code)} ({_words(kind)})"
                         for code, kind in CONTRAINDICATIONS.items()},
    "screening-result": {"eligible": "eligible", "ineligible": "ineligible",
                         "eligible_with_override": "eligible with a clinician's override"},
    "adverse-event": {code: _words(code) for code in sorted(ADVERSE_EVENT_KINDS)},
    "consent-scope": {code: _words(code) for code in sorted(CONSENT_SCOPES)},
    "role": {code: code for code in sorted(ROLES)},
    "entry-timing": {"late-entry": "late entry: recorded after the clinic's late-entry window"},
}

# Techniques whose whole depth range stays within the dermis are intradermal; any that
# reaches below it (point by point to 12 mm, mesoperfusion to 6 mm) is subcutaneous.
DERMIS_MM = Decimal(4)
INTRADERMAL = {"system": SNOMED, "code": "372464004", "display": "Intradermal route"}
SUBCUTANEOUS = {"system": SNOMED, "code": "34206005", "display": "Subcutaneous route"}
UCUM_UNITS = {"g": "g", "mg": "mg", "mcg": "ug", "IU": "[IU]", "mL": "mL"}


def system(name: str) -> str:
    return f"{CODE_SYSTEMS}/{name}"


def local(name: str, code: str) -> dict:
    """A coding from one of our code systems (the display from the vocabulary)."""
    coding = {"system": system(name), "code": code}
    display = LOCAL[name].get(code)
    return coding | ({"display": display} if display else {})


def concept(name: str, code: str, text: str | None = None) -> dict:
    return {"coding": [local(name, code)], "text": text or LOCAL[name].get(code, code)}


def hl7(name: str, code: str) -> dict:
    return {"coding": [{"system": f"{TERMINOLOGY}/{name}", "code": code}]}


def site(site: dict) -> dict:
    """An area and its side, as a body site: the area code, the side as an extension."""
    area, side = site["area"], site["laterality"]
    return {"extension": [{"url": LATERALITY_EXTENSION, "valueCode": side}],
            "coding": [local("area", area)], "text": f"{LOCAL['area'].get(area, area)}, {side}"}


def route(technique: str) -> dict:
    depth = TECHNIQUES.get(technique)
    superficial = depth is not None and depth.high <= DERMIS_MM
    return {"coding": [INTRADERMAL if superficial else SUBCUTANEOUS]}


def quantity(amount: str, unit: str) -> dict:
    code = UCUM_UNITS.get(unit)
    ucum = {"system": UCUM, "code": code} if code else {}
    return {"value": Decimal(amount), "unit": unit} | ucum


def mrn_system(clinic: str) -> str:
    """MRNs are unique per clinic: one identifier system per clinic."""
    return f"{BASE_URL}/clinic/{quote(clinic, safe='')}/mrn"


def absent(reason: str = "masked") -> dict:
    return {"extension": [{"url": DATA_ABSENT, "valueCode": reason}]}


def present(**fields) -> dict:
    """The fields that hold something (FHIR has no empty strings, lists or objects)."""
    return {name: value for name, value in fields.items() if value not in (None, "", [], {})}
