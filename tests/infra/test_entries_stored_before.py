"""Voids, erasures and refusals to erase stored before their events moved beside the rules
they belong to (domain/corrections.py, domain/erasure.py) still load, under the topics they
were stored with, and strike or erase as they did; what is written today is laid out as they
were."""

import json
from string import Template
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.course import TreatmentCourse
from domain.patient import Patient
from tests.clinic import CLINICIAN, Clinic, dose, outcome

ACTOR = '{"_type_":"Actor","_data_":{"id":"u-clin-1","name":"Dr Maria Rossi","role":"clinician"}}'
AT = '{"_type_":"datetime_iso","_data_":"2026-05-04T09:00:00+00:00"}'
BEFORE = {  # state bytes as the code before the move wrote them
    "mesoledger.TreatmentCourse.EntryVoided":
        '{"timestamp":$at,"entry_version":4,"reason":"wrong scale","actor":$actor,'
        '"occurred_at":$at,"late_entry_reason":null,"entry_kind":"outcome"}',
    "mesoledger.Patient.EntryVoided":
        '{"timestamp":$at,"entry_version":4,"entry_kind":"allergy","reason":"wrong patient",'
        '"actor":$actor,"occurred_at":$at,"late_entry_reason":null}',
    "mesoledger.Patient.ErasureRefused":
        '{"timestamp":$at,"reason":"asked by the patient","legal_basis":"GDPR Art. 17(3)",'
        '"retained_until":$at,"actor":$actor,"occurred_at":$at,"late_entry_reason":null}',
    "mesoledger.Patient.PersonalDataErased":
        '{"timestamp":$at,"reason":"asked by the patient","legal_basis":"GDPR Art. 17(3)",'
        '"actor":$actor,"occurred_at":$at,"late_entry_reason":null}',
}


def stored_before(record_id: UUID, version: int, topic: str) -> StoredEvent:
    state = Template(BEFORE[topic]).substitute(actor=ACTOR, at=AT)
    return StoredEvent(record_id, version, topic, state.encode())


def keys_stored(records, record_id: UUID, version: int) -> list[str]:
    stored = records.recorder.select_events(record_id, gt=version - 1, lte=version)
    return list(json.loads(stored[0].state))


def keys_before(topic: str) -> list[str]:
    return list(json.loads(stored_before(UUID(int=1), 1, topic).state))


def test_a_course_void_stored_before_still_strikes_its_entry(records, clinic: Clinic):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    records.assess_outcome(course_id, outcome(), CLINICIAN)  # version 4
    records.recorder.insert_events(
        [stored_before(course_id, 5, "mesoledger.TreatmentCourse.EntryVoided")])

    course = records.course(course_id)

    assert (course.version, course.voided, course.assessed) == (5, [4], [])
    assert type(list(records.events.get(course_id))[-1]) is TreatmentCourse.EntryVoided
    records.assess_outcome(course_id, outcome("7"), CLINICIAN)  # the course goes on
    assert records.course(course_id).assessed == [6]


def test_a_patient_void_and_erasure_stored_before_still_take_effect(records, clinic: Clinic):
    patient_id = clinic.screened_patient()
    records.record_allergy(patient_id, "lidocaine", "rash", CLINICIAN)  # version 4
    records.recorder.insert_events([
        stored_before(patient_id, 5, "mesoledger.Patient.EntryVoided"),
        stored_before(patient_id, 6, "mesoledger.Patient.ErasureRefused")])
    patient = records.patient(patient_id)
    assert (patient.version, patient.voided, patient.erased) == (6, [4], False)
    assert patient.standing().allergies_at(clinic.clock()) == ()

    records.recorder.insert_events(
        [stored_before(patient_id, 7, "mesoledger.Patient.PersonalDataErased")])

    assert records.patient(patient_id).erased is True
    assert [type(e) for e in list(records.events.get(patient_id))[-3:]] == [
        Patient.EntryVoided, Patient.ErasureRefused, Patient.PersonalDataErased]


def test_voids_recorded_today_are_laid_out_as_those_stored_before(records, clinic: Clinic):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    records.assess_outcome(course_id, outcome(), CLINICIAN)
    records.void_entry(course_id, 4, "wrong scale", CLINICIAN)
    patient_id = records.course(course_id).patient_id
    records.record_allergy(patient_id, "lidocaine", "rash", CLINICIAN)
    records.void_patient_entry(patient_id, 4, "wrong patient", CLINICIAN)

    assert keys_stored(records, course_id, 5) == keys_before(
        "mesoledger.TreatmentCourse.EntryVoided")
    assert keys_stored(records, patient_id, 5) == keys_before("mesoledger.Patient.EntryVoided")
