"""Our own checks where the FHIR models do not check: every reference resolves to an entry
of the bundle, every status comes from its required value set, and every local code is
defined in the code system the bundle carries. A failure is a defect of ours."""

from __future__ import annotations

from api.formats.fhir.codes import LOCAL
from api.formats.fhir.terminology import local_codings, nodes

# (resource type, path) → the codes FHIR R4B's required binding allows there.
REQUIRED: dict[tuple[str, str], frozenset[str]] = {
    ("Patient", "gender"): frozenset({"male", "female", "other", "unknown"}),
    ("Consent", "status"): frozenset({"draft", "proposed", "active", "rejected", "inactive",
                                      "entered-in-error"}),
    ("QuestionnaireResponse", "status"): frozenset({"in-progress", "completed", "amended",
                                                    "entered-in-error", "stopped"}),
    ("AllergyIntolerance", "clinicalStatus.coding.code"): frozenset({"active", "inactive",
                                                                     "resolved"}),
    ("AllergyIntolerance", "verificationStatus.coding.code"): frozenset({
        "unconfirmed", "confirmed", "refuted", "entered-in-error"}),
    ("Condition", "clinicalStatus.coding.code"): frozenset({
        "active", "recurrence", "relapse", "inactive", "remission", "resolved"}),
    ("Condition", "verificationStatus.coding.code"): frozenset({
        "unconfirmed", "provisional", "differential", "confirmed", "refuted",
        "entered-in-error"}),
    ("CarePlan", "status"): frozenset({"draft", "active", "on-hold", "revoked", "completed",
                                       "entered-in-error", "unknown"}),
    ("CarePlan", "intent"): frozenset({"proposal", "plan", "order", "option"}),
    ("CarePlan", "activity.detail.status"): frozenset({
        "not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled",
        "stopped", "unknown", "entered-in-error"}),
    ("Medication", "status"): frozenset({"active", "inactive", "entered-in-error"}),
    ("MedicationAdministration", "status"): frozenset({
        "in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped",
        "unknown"}),
    ("Observation", "status"): frozenset({"registered", "preliminary", "final", "amended",
                                          "corrected", "cancelled", "entered-in-error",
                                          "unknown"}),
    ("AdverseEvent", "actuality"): frozenset({"actual", "potential"}),
    ("CodeSystem", "status"): frozenset({"draft", "active", "retired", "unknown"}),
}


class BundleDefectError(ValueError):
    """The bundle we built breaks a rule of FHIR that its models do not check."""


def check(resources: dict[str, dict]) -> None:
    problems = [*_unresolved(resources), *_off_value_set(resources), *_undefined(resources)]
    if problems:
        raise BundleDefectError("; ".join(problems[:10]))


def _unresolved(resources: dict[str, dict]) -> list[str]:
    return [f"{resource['resourceType']} refers to {node['reference']}, not in the bundle"
            for resource in resources.values() for node in nodes(resource)
            if isinstance(node.get("reference"), str) and node["reference"] not in resources]


def _off_value_set(resources: dict[str, dict]) -> list[str]:
    return [f"{kind}.{path} = {value!r} is not in its value set"
            for resource in resources.values()
            for (kind, path), allowed in REQUIRED.items() if resource["resourceType"] == kind
            for value in values_at(resource, path) if value not in allowed]


def _undefined(resources: dict[str, dict]) -> list[str]:
    return [f"code {code!r} is not in our {name} code system"
            for name, code in local_codings(resources) if code not in LOCAL.get(name, {})]


def values_at(node: object, path: str) -> list:
    """The values at a dotted path, through any lists on the way."""
    if isinstance(node, list):
        return [value for item in node for value in values_at(item, path)]
    if not path:
        return [node]
    if not isinstance(node, dict) or path.split(".")[0] not in node:
        return []
    head, _, rest = path.partition(".")
    return values_at(node[head], rest)
