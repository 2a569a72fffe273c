"""The bundle being written from one export: its resources by full URL, the staff who made
the entries, and what each entry made, so later entries (a void, a withdrawal, a status
change) can find the resource they act on.

Resource ids are stable: the patient's and a course's own ids, and for what an entry made a
UUID derived from the entry (record id and version), so two exports name things alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid5

from api.formats.fhir.codes import ENTRY_SYSTEM, STAFF_SYSTEM
from domain.personal_data import PersonalData

NAMESPACE = UUID("6f0d3c9e-4a59-5b8e-9c1d-2f6e7a8b9c0d")
ENTERED_IN_ERROR = "entered-in-error"
SINGLE_IDENTIFIER = {"AdverseEvent", "QuestionnaireResponse"}  # 0..1 in R4B


def urn(uuid: UUID | str) -> str:
    return f"urn:uuid:{uuid}"


def entry_key(entry: dict) -> str:
    return f"{entry['record_id']}/{entry['version']}"


def status_of(entry: dict, live: str) -> str:
    """A voided entry's resource is entered in error; a live one has its own status."""
    return ENTERED_IN_ERROR if entry["voided_by"] else live


@dataclass
class Draft:
    patient_id: str
    person: PersonalData | None                               # None once erased
    resources: dict[str, dict] = field(default_factory=dict)
    made: dict[str, str] = field(default_factory=dict)        # entry key → resource URL
    mixes: dict[tuple[str, int], str] = field(default_factory=dict)  # course, version → URL
    lots: dict[tuple[str, str], str] = field(default_factory=dict)   # course, lot → URL
    consents: dict[str, str] = field(default_factory=dict)    # scope → latest Consent
    conditions: dict[str, str] = field(default_factory=dict)  # condition → latest Condition
    allergies: set[str] = field(default_factory=set)          # substances already listed

    @property
    def patient(self) -> dict:
        return {"reference": urn(self.patient_id)}

    def course(self, entry: dict) -> dict:
        return {"reference": urn(entry["record_id"])}

    def record_of(self, entry: dict) -> str:
        """The resource standing for the record the entry belongs to."""
        return urn(self.patient_id if entry["record_type"] == "Patient" else entry["record_id"])

    def add(self, kind: str, fields: dict, *, url: str | None = None, key: str = "") -> str:
        """Add a resource (`key` tells apart several made by one entry)."""
        url = url or urn(uuid5(NAMESPACE, key))
        self.resources[url] = {"resourceType": kind, "id": url.removeprefix("urn:uuid:"),
                               **fields}
        return url

    def add_made(self, entry: dict, kind: str, fields: dict, part: str = "") -> str:
        """Add what an entry made, identified by the entry it came from."""
        key = entry_key(entry) + (f"/{part}" if part else "")
        identifier = {"system": ENTRY_SYSTEM, "value": key}
        identifiers = [identifier, *fields.get("identifier", [])]
        fields = {**fields, "identifier": identifier if kind in SINGLE_IDENTIFIER
                  else identifiers}
        url = self.add(kind, fields, key=key)
        if not part:
            self.made[entry_key(entry)] = url
        return url

    def made_by(self, record_id: str, version: int) -> str | None:
        return self.made.get(f"{record_id}/{version}")

    def lot(self, course_id: str, lot: str) -> dict:
        """A reference to the product of that lot in the course's mixes."""
        url = self.lots.get((course_id, lot))
        return {"reference": url, "display": f"lot {lot}"} if url else {"display": f"lot {lot}"}

    def staff(self, actor: dict) -> dict:
        """A reference to the member of staff (added to the bundle on first mention)."""
        url = urn(uuid5(NAMESPACE, f"staff/{actor['id']}"))
        if url not in self.resources:
            self.add("Practitioner", {
                "identifier": [{"system": STAFF_SYSTEM, "value": actor["id"]}],
                "name": [{"text": actor["name"]}]}, url=url)
        return {"reference": url, "display": actor["name"]}
