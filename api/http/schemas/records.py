"""What a read of one patient or one course returns (built from the record, never the
record itself)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel

from domain.course import TreatmentCourse
from domain.course_state import LiveEntry
from domain.formulation import Formula
from domain.patient import Patient
from domain.personal_data import PersonalData


class PersonalDataOut(BaseModel):
    name: str
    date_of_birth: date
    sex: str
    contact: str


class ConsentOut(BaseModel):
    scope: str
    form_version: str
    document_sha256: str
    signed_at: datetime


class ScreeningOut(BaseModel):
    result: str
    reasons: list[str]
    indications: list[str]
    age_years: int
    screened_at: datetime


class PatientOut(BaseModel):
    """A patient's record; `personal_data` is null once erased."""

    patient_id: UUID
    clinic: str
    mrn: str
    version: int
    personal_data: PersonalDataOut | None
    consents: list[ConsentOut]
    screening: ScreeningOut | None
    allergies: list[str]
    unresolved_conditions: list[str]

    @classmethod
    def of(cls, patient: Patient, personal: PersonalData | None) -> PatientOut:
        screening = patient.screening
        return cls(
            patient_id=patient.id, clinic=patient.clinic, mrn=patient.mrn,
            version=patient.version,
            personal_data=personal and PersonalDataOut(**vars(personal)),
            consents=[ConsentOut(**vars(c)) for c in patient.active_consents],
            screening=screening and ScreeningOut(
                result=screening.result, reasons=list(screening.reasons),
                indications=list(screening.answers.indications),
                age_years=screening.age_years, screened_at=patient.screened_at),
            allergies=list(patient.allergies), unresolved_conditions=list(patient.conditions))


class SiteOut(BaseModel):
    area: str
    laterality: str


class IngredientOut(BaseModel):
    substance: str
    category: str
    amount: Decimal
    unit: str
    product: str
    lot: str
    expiry: date


class FormulationOut(BaseModel):
    version: int
    ingredients: list[IngredientOut]
    vehicle: str
    total_volume_ml: Decimal
    ratio: list[tuple[str, Decimal]]

    @classmethod
    def of(cls, version: int, formula: Formula) -> FormulationOut:
        return cls(version=version, ingredients=[IngredientOut(**vars(i))
                                                 for i in formula.ingredients],
                   vehicle=f"{formula.vehicle.name} ({formula.vehicle.base})",
                   total_volume_ml=formula.total_volume_ml, ratio=list(formula.ratio))


class CourseOut(BaseModel):
    """A course: its plan, status, formulations and which entries are live (not voided)."""

    course_id: UUID
    patient_id: UUID
    clinic: str
    version: int
    status: str
    indication: str
    areas: list[SiteOut]
    sessions_planned: int
    interval_days: int
    efficacy_note: str
    sessions_done: int
    formulations: list[FormulationOut]
    live_entries: dict[int, str]

    @classmethod
    def of(cls, course: TreatmentCourse) -> CourseOut:
        plan = course.plan
        return cls(
            course_id=course.id, patient_id=course.patient_id, clinic=course.clinic,
            version=course.version, status=course.status, indication=plan.indication,
            areas=[SiteOut(area=s.area, laterality=s.laterality) for s in plan.sites],
            sessions_planned=plan.sessions, interval_days=plan.interval_days,
            efficacy_note=course.efficacy_note, sessions_done=course.sessions_done,
            formulations=[FormulationOut.of(f.version, f.formula) for f in course.formulations],
            live_entries={e.version: _shown(e) for e in course.live_entries})


def _shown(entry: LiveEntry) -> str:
    """A live entry as the API has always shown it: its kind ("formulation:2" for a mix)."""
    if entry.formulation_version is None:
        return entry.kind.value
    return f"{entry.kind.value}:{entry.formulation_version}"
