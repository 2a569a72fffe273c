"""The mix and its injections: a Medication per formulation (each ingredient's strength per
total volume, pointing at the product and lot it was drawn from) and a
MedicationAdministration per injection (site, route, technique, volume, lots used).

A product is its own Medication because R4B gives a Medication one batch, and a mix draws
on one lot per ingredient. An injection names the lots it used through
`supportingInformation` (R4B MedicationAdministration has no lot element of its own).
"""

from __future__ import annotations

from api.formats.fhir.codes import concept, present, quantity, route, site
from api.formats.fhir.draft import Draft, status_of


def formulated(draft: Draft, entry: dict) -> list[str]:
    details, status = entry["details"], status_of(entry, "active")
    version = details["formulation_version"]
    url = draft.add_made(entry, "Medication", {
        "code": {"text": f"Mesotherapy mix, formulation {version}"},
        "status": status, "form": {"text": "solution for injection"}})
    draft.mixes[(entry["record_id"], version)] = url
    draft.resources[url]["ingredient"] = _ingredients(draft, entry, status)
    return [url]


def _ingredients(draft: Draft, entry: dict, status: str) -> list[dict]:
    """Each active's strength per total volume, then the vehicle (not active)."""
    formula = entry["details"]["formula"]
    volume = quantity(formula["total_volume_ml"], "mL")
    actives = [{"itemReference": {"reference": _product(draft, entry, n, ingredient, status),
                                  "display": ingredient["substance"]},
                "isActive": True,
                "strength": {"numerator": quantity(ingredient["amount"], ingredient["unit"]),
                             "denominator": volume}}
               for n, ingredient in enumerate(formula["ingredients"], start=1)]
    vehicle = formula["vehicle"]
    return [*actives, {"itemCodeableConcept": {"text": f"{vehicle['name']} ({vehicle['base']}"
                                                       " vehicle)"}, "isActive": False}]


def _product(draft: Draft, entry: dict, n: int, ingredient: dict, status: str) -> str:
    url = draft.add_made(entry, "Medication", {
        "code": {"text": ingredient["product"]}, "status": status,
        "ingredient": [{"itemCodeableConcept": {"text": ingredient["substance"]},
                        "isActive": True}],
        "batch": {"lotNumber": ingredient["lot"], "expirationDate": ingredient["expiry"]}},
        part=f"ingredient/{n}")
    draft.lots[(entry["record_id"], ingredient["lot"])] = url
    return url


def injected(draft: Draft, entry: dict) -> list[str]:
    dose = entry["details"]["dose"]
    supervisor = dose.get("supervisor")
    return [draft.add_made(entry, "MedicationAdministration", {
        "status": status_of(entry, "completed"),
        **_mix(draft, entry["record_id"], dose["formulation_version"]),
        "subject": draft.patient, "effectiveDateTime": entry["occurred_at"],
        "performer": [{"actor": draft.staff(entry["actor"])}],
        "supportingInformation": [draft.lot(entry["record_id"], lot) for lot in dose["lots"]],
        "dosage": _dosage(dose),
        **present(note=supervisor and [{"text": f"supervised by {supervisor}"}])})]


def _mix(draft: Draft, course_id: str, version: int) -> dict:
    url = draft.mixes.get((course_id, version))
    if url is None:
        return {"medicationCodeableConcept": {"text": f"formulation {version}"}}
    return {"medicationReference": {"reference": url, "display": f"formulation {version}"}}


def _dosage(dose: dict) -> dict:
    technique = dose["technique"]
    return {"text": f"session {dose['session']}: {dose['points']} points, {technique} at "
                    f"{dose['depth_mm']} mm, {dose['needle_gauge']}G × "
                    f"{dose['needle_length_mm']} mm needle",
            "site": site(dose["site"]), "route": route(technique),
            "method": concept("technique", technique),
            "dose": quantity(dose["volume_ml"], "mL")}
