"""Request and answer bodies of electronic signatures and the to-sign lists."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.http.schemas.common import Entry, Text
from api.http.schemas.staff import TotpCode

Meaning = Literal["authorship", "review", "approval", "cosignature"]


class SignatureIn(Entry):
    version: Annotated[int, Field(ge=1, le=10**9, description="The version of the entry to"
                                  " sign")]
    meaning: Annotated[Meaning, Field(description="What the signature means")]
    password: Annotated[str, Field(max_length=1024, description="The signer's password,"
                                   " asked again for every signature")]
    totp: TotpCode | None = None


class RevocationIn(Entry):
    reason: Text = Field(min_length=1)


class ToSign(BaseModel):
    """An entry waiting for a signature: whose record, which entry, who made it, since
    when, and the signature it lacks."""

    record_id: str
    record_type: str
    patient_id: str
    version: int
    event_type: str
    author: str
    author_name: str
    occurred_at: str
    lacks: str
    supervisor: str | None = None
