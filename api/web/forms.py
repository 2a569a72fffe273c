"""Forms: what a person typed, checked by the API's own request models, and the refusal
shown next to the field (or as the rule, in the clinic's words)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from domain.errors import InvalidEntry, RuleViolation

Model = TypeVar("Model", bound=BaseModel)


async def form_of(request: Request) -> FormData:
    return await request.form()  # read once (the CSRF check did), then kept on the request


Form = Annotated[FormData, Depends(form_of)]


class Refused(Exception):
    """What to show on the form: a message per field, and the rule that refused it."""

    def __init__(self, fields: dict[str, str], rule: str | None = None) -> None:
        super().__init__(rule or "; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields, self.rule = fields, rule


def checked(model: type[Model], **values: Any) -> Model:
    """The values as the API's request model, or Refused naming each bad field."""
    try:
        return model(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as error:
        raise Refused(
            {".".join(str(p) for p in e["loc"]) or "form": _words(e["msg"]) for e in error.errors()}
        ) from None


def recorded(command: Callable[[], Any]) -> Any:
    """Run a use case; a refusal of the domain becomes Refused (nothing was recorded)."""
    try:
        return command()
    except InvalidEntry as error:
        raise Refused({error.field or "form": error.problem}) from None
    except RuleViolation as error:
        beside = {error.field: error.detail} if error.field else {}
        raise Refused(beside, f"{error.detail} (rule: {error.rule})") from None


def text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _words(message: str) -> str:
    return message.removeprefix("Value error, ").replace("String", "Text")
