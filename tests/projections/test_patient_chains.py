"""patient_chains counts and chains every entry of each patient, their courses' included,
exactly as the stored events do; a rebuild gives the same chains."""

from __future__ import annotations

from uuid import UUID

from domain.ledger import event_leaf_hash
from domain.ledger.completeness import PatientChain
from projections.patient_chains import PatientChains
from tests.clinic import CLINICIAN, RECEPTIONIST, dose, treatment_consent


def chains_from_the_store(records) -> dict[UUID, PatientChain]:
    """Each patient's chain, straight from the stored events in log order."""
    chains: dict[UUID, PatientChain] = {}
    for stored in records.recorder.select_notifications(None, 10_000):
        topic = stored.topic
        if ".Patient." in topic:
            patient = stored.originator_id
        elif ".TreatmentCourse." in topic:
            patient = records.course(stored.originator_id).patient_id
        else:
            continue  # an MRN claim is no entry of the patient's
        chains[patient] = chains.get(patient, PatientChain()).then(event_leaf_hash(stored))
    return chains


def test_each_patients_chain_covers_their_record_and_every_course(clinic, records, views,
                                                                 clock):
    first = clinic.formulated_course()
    records.inject(first, dose(volume="1"), CLINICIAN)
    second_patient = clinic.patient(mrn="MRN-0002")
    records.give_consent(second_patient, treatment_consent(clock()), RECEPTIONIST)

    live = views(PatientChains.all)

    assert live == chains_from_the_store(records)
    assert len(live) == 2 and sorted(c.entries for c in live.values()) == [2, 6]


def test_a_rebuilt_view_has_the_same_chains(clinic, records, views, runner):
    course = clinic.formulated_course()
    records.inject(course, dose(volume="1"), CLINICIAN)
    live = views(PatientChains.all)

    runner.rebuild("patient_chains")

    assert views(PatientChains.all) == live
