"""Request bodies for patients: registration, personal data, consents, screening."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.http.schemas.common import (
    FREE_TEXT,
    ONE_LINE,
    ClinicalEntry,
    Code,
    Day,
    Entry,
    Flag,
    Instant,
    Name,
    Text,
)
from api.http.schemas.corrections import Supersedes
from domain.patient import Consent
from domain.personal_data import PersonalData
from domain.screening import ScreeningAnswers


class PersonalDataIn(Entry):
    name: Name
    date_of_birth: Day
    sex: Code = Field(description="female, male, intersex or unknown")
    contact: Annotated[str, Field(max_length=500, pattern=FREE_TEXT)] = ""

    def to_personal_data(self) -> PersonalData:
        return PersonalData(self.name, self.date_of_birth, self.sex, self.contact)


class RegistrationIn(PersonalDataIn, ClinicalEntry):
    mrn: Annotated[str, Field(min_length=1, max_length=64, pattern=ONE_LINE,
                              description="Medical record number, unique in the clinic")]


class AmendmentIn(PersonalDataIn, ClinicalEntry):
    reason: Text
    supersedes: Supersedes = None


class ConsentIn(ClinicalEntry):
    scope: Code = Field(description="treatment, photography or data_sharing")
    form_version: Annotated[str, Field(min_length=1, max_length=50, pattern=ONE_LINE)]
    document_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    signed_at: Instant

    def to_consent(self) -> Consent:
        return Consent(self.scope, self.form_version, self.document_sha256, self.signed_at)


class WithdrawalIn(ClinicalEntry):
    reason: Text


class ScreeningIn(ClinicalEntry):
    indications: Annotated[list[Code], Field(max_length=20)]
    contraindications: Annotated[dict[Code, Flag], Field(
        max_length=100, description="Every contraindication of the checklist, answered")]
    fitzpatrick_type: Code
    allergies: Annotated[list[Name], Field(max_length=50)] = []
    override_justification: Text | None = None

    def to_answers(self) -> ScreeningAnswers:
        return ScreeningAnswers(tuple(self.indications), dict(self.contraindications),
                                self.fitzpatrick_type, tuple(self.allergies),
                                self.override_justification)


class AllergyIn(ClinicalEntry):
    substance: Name
    reaction: Text


class ConditionIn(ClinicalEntry):
    condition: Name
    note: Text = ""


class ResolutionIn(ClinicalEntry):
    reason: Text


class ErasureIn(Entry):
    reason: Text = Field(description="Why, e.g. the patient's request of a given date")
