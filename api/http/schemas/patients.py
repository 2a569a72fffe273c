"""Request bodies for patients: registration, personal data, consents, screening."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, create_model

from api.http.schemas.common import (
    FREE_TEXT,
    ClinicalEntry,
    Day,
    Entry,
    Flag,
    Instant,
    Name,
    Note,
    Text,
)
from api.http.schemas.corrections import Supersedes
from api.http.schemas.terms import ConsentScope, FitzpatrickType, IndicationCode, Sex
from api.http.schemas.text import VISIBLE_LINE
from domain.patient import Consent
from domain.personal_data import PersonalData
from domain.screening import ScreeningAnswers
from domain.vocabulary import CONTRAINDICATIONS


class PersonalDataIn(Entry):
    name: Name
    date_of_birth: Day
    sex: Sex
    contact: Annotated[str, Field(max_length=500, pattern=FREE_TEXT)] = ""

    def to_personal_data(self) -> PersonalData:
        return PersonalData(self.name, self.date_of_birth, self.sex, self.contact)


class RegistrationIn(PersonalDataIn, ClinicalEntry):
    mrn: Annotated[str, Field(min_length=1, max_length=64, pattern=VISIBLE_LINE,
                              description="Medical record number, unique in the clinic")]


class AmendmentIn(PersonalDataIn, ClinicalEntry):
    reason: Text
    supersedes: Supersedes = None


class ConsentIn(ClinicalEntry):
    scope: ConsentScope
    form_version: Annotated[str, Field(min_length=1, max_length=50, pattern=VISIBLE_LINE)]
    document_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    signed_at: Instant

    def to_consent(self) -> Consent:
        return Consent(self.scope, self.form_version, self.document_sha256, self.signed_at)


class WithdrawalIn(ClinicalEntry):
    reason: Text


Checklist = create_model("Checklist", __base__=Entry, __doc__="Each contraindication: present?",
                         **{code: (Flag, ...) for code in sorted(CONTRAINDICATIONS)})


class ScreeningIn(ClinicalEntry):
    indications: Annotated[list[IndicationCode], Field(min_length=1, max_length=20)]
    contraindications: Checklist = Field(
        description="Every contraindication of the checklist, answered")
    fitzpatrick_type: FitzpatrickType
    allergies: Annotated[list[Name], Field(max_length=50)] = []
    override_justification: Text | None = None

    def to_answers(self) -> ScreeningAnswers:
        return ScreeningAnswers(tuple(self.indications), self.contraindications.model_dump(),
                                self.fitzpatrick_type, tuple(self.allergies),
                                self.override_justification)


class AllergyIn(ClinicalEntry):
    substance: Name
    reaction: Text


class ConditionIn(ClinicalEntry):
    condition: Name
    note: Note = ""


class ResolutionIn(ClinicalEntry):
    reason: Text


class ErasureIn(Entry):
    reason: Text = Field(description="Why, e.g. the patient's request of a given date")
