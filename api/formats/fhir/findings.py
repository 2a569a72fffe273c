"""What a course found: an Observation per outcome score (scale, area, value, the scale's
range and direction) and an AdverseEvent per report (kind, severity, seriousness, onset,
suspected lots).

R4B's AdverseEvent has no status: a voided report carries the `entered-in-error` code of
FHIR's event-status as a meta tag, and the void's Provenance says who, when and why.
"""

from __future__ import annotations

from decimal import Decimal

from api.formats.fhir.codes import (
    ACTION_TAKEN_EXTENSION,
    EVENT_STATUS,
    SITE_EXTENSION,
    concept,
    hl7,
    present,
    site,
)
from api.formats.fhir.draft import ENTERED_IN_ERROR, Draft, status_of
from domain.vocabulary import SCALES, Scale


def outcome_assessed(draft: Draft, entry: dict) -> list[str]:
    outcome = entry["details"]["outcome"]
    scale = SCALES.get(outcome["scale"])
    unit = scale.unit if scale else "score"
    return [draft.add_made(entry, "Observation", {
        "status": status_of(entry, "final"),
        "category": [hl7("observation-category", "exam")],
        "code": concept("scale", outcome["scale"]), "subject": draft.patient,
        "basedOn": [draft.course(entry)], "effectiveDateTime": entry["occurred_at"],
        "performer": [draft.staff(entry["actor"])],
        "valueQuantity": {"value": Decimal(outcome["score"]), "unit": unit},
        "bodySite": site(outcome["site"]),
        "note": [{"text": f"{outcome['kind'].replace('_', ' ')}, session {outcome['session']}"}],
        **present(referenceRange=scale and [_range(scale)])})]


def _range(scale: Scale) -> dict:
    better = "lower" if scale.lower_is_better else "higher"
    return {"low": {"value": scale.low, "unit": scale.unit},
            "high": {"value": scale.high, "unit": scale.unit},
            "text": f"{scale.low}–{scale.high}, {better} is better"}


def adverse_event_reported(draft: Draft, entry: dict) -> list[str]:
    report, course = entry["details"]["report"], entry["record_id"]
    kind = report["kind"].replace("_", " ")
    suspects = [{"instance": draft.lot(course, lot)} for lot in report.get("suspected_lots", [])]
    voided = {"meta": {"tag": [{"system": EVENT_STATUS, "code": ENTERED_IN_ERROR}]}} \
        if entry["voided_by"] else {}
    return [draft.add_made(entry, "AdverseEvent", {
        **voided, **present(extension=_circumstances(report)), "actuality": "actual",
        "event": concept("adverse-event", report["kind"], text=f"{kind}: {report['description']}"
                         if report.get("description") else None),
        "subject": draft.patient, "date": report["onset"],
        "recordedDate": entry["occurred_at"], "recorder": draft.staff(entry["actor"]),
        "seriousness": hl7("adverse-event-seriousness",
                           "serious" if report["serious"] else "non-serious"),
        "severity": hl7("adverse-event-severity", report["severity"]),
        **present(suspectEntity=suspects)})]


def _circumstances(report: dict) -> list[dict]:
    where = [{"url": SITE_EXTENSION, "valueCodeableConcept": site(report["site"])}] \
        if report.get("site") else []
    action = [{"url": ACTION_TAKEN_EXTENSION, "valueString": report["action_taken"]}] \
        if report.get("action_taken") else []
    return [*where, *action]
