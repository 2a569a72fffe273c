"""Request bodies for corrections: a void of a patient-level entry, and the version an
amendment supersedes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.http.schemas.common import ClinicalEntry, Text
from domain.patient_history import PatientEntryKind

EntryVersion = Annotated[int, Field(ge=1, le=10**9, description="The entry's version")]
Supersedes = Annotated[int | None, Field(
    ge=1, le=10**9, description="The version of the entry this amendment replaces (the one"
    " in force); left out, the server names it")]


class PatientVoidIn(ClinicalEntry):
    version: EntryVersion
    reason: Text
    kind: PatientEntryKind | None = Field(
        None, description="The kind of entry voided; if given, the entry must be of it")
