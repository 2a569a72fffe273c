"""A screening as a QuestionnaireResponse: every contraindication of the checklist with its
answer, the indications sought, skin type, allergies, age on the day, result and reasons."""

from __future__ import annotations

from api.formats.fhir.codes import LOCAL, SCREENING_QUESTIONNAIRE, local


def questionnaire_response(screening: dict) -> dict:
    answers = screening["answers"]
    justification = answers.get("override_justification")
    items = [
        _item("indications", "Indications sought",
              [{"valueCoding": local("indication", code)} for code in answers["indications"]]),
        _checklist(answers["contraindications"]),
        _item("fitzpatrick_type", "Fitzpatrick skin type",
              [{"valueString": answers["fitzpatrick_type"]}]),
        _item("allergies", "Known allergies",
              [{"valueString": substance} for substance in answers.get("allergies", [])]),
        _item("override_justification", "Clinician's justification for overriding a relative "
              "contraindication", [{"valueString": justification}] if justification else []),
        _item("age_years", "Age on the day (years)", [{"valueInteger": screening["age_years"]}]),
        _item("result", "Result", [{"valueCoding": local("screening-result",
                                                         screening["result"])}]),
        _item("reasons", "Reasons", [{"valueString": reason} for reason in screening["reasons"]]),
    ]
    return {"questionnaire": SCREENING_QUESTIONNAIRE, "status": "completed",
            "item": [item for item in items if item.get("answer") or item.get("item")]}


def _checklist(contraindications: dict[str, bool]) -> dict:
    names = LOCAL["contraindication"]
    return {"linkId": "contraindications", "text": "Contraindication checklist",
            "item": [_item(f"contraindications.{code}", names.get(code, code),
                           [{"valueBoolean": bool(present)}])
                     for code, present in contraindications.items()]}


def _item(link_id: str, text: str, answers: list[dict]) -> dict:
    return {"linkId": link_id, "text": text, "answer": answers}
