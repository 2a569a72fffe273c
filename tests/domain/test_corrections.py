"""Corrections in memory (DESIGN §1.1): every patient-level entry can be voided by version
and then no rule reads it; a void names the kind it strikes; a nurse voids only her own
entries within 24 hours of recording them; an amendment names the entry it supersedes.
Given entries, when a void, then what it records or the rule that refuses it."""

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.corrections import (
    AlreadyVoidedError,
    EntryMade,
    EntryNotVoidableError,
    SupersedesNotCurrentError,
    VoidKindMismatchError,
    VoidNotPermittedError,
)
from domain.course import TreatmentCourse
from domain.course_refusals import AllergenInFormulationError
from domain.patient import Patient
from domain.standing import NoScreeningError, NoTreatmentConsentError
from tests.clinic import CLINICIAN, NURSE, RECEPTIONIST, answers, formula, outcome, plan
from tests.domain.given import BORN, NOW, POLICY, course, patient, recorded, settled


def refused(error: type[Exception], command, *args, **options) -> None:
    """`command(*args, **options)` raises `error` and records nothing."""
    with pytest.raises(error):
        command(*args, **options)
    assert recorded(command.__self__) == [], "a refused command recorded something"


def voided_kind(someone) -> str:
    [void] = [e for e in someone.collect_events() if isinstance(e, Patient.EntryVoided)]
    return void.entry_kind


def with_entry(kind: str) -> tuple[Patient, int]:
    """A consented, screened patient, then one entry of that kind: it and its version."""
    someone = patient()
    someone.collect_events()
    match kind:
        case "allergy":
            someone.record_allergy("caffeine", "rash", CLINICIAN, NOW)
        case "condition":
            someone.record_condition("migraine", "", CLINICIAN, NOW)
        case "condition_resolution":
            someone.record_condition("migraine", "", CLINICIAN, NOW)
            someone.resolve_condition("migraine", "reassessed", CLINICIAN, NOW)
        case "consent":
            pass  # version 2 is the treatment consent
        case "consent_withdrawal":
            someone.withdraw_consent("treatment", "patient asked", RECEPTIONIST, NOW)
        case "screening":
            pass  # version 3 is the screening
        case "personal_data":
            someone.amend_personal_data("sealed again", "typo", RECEPTIONIST, NOW)
    someone.collect_events()
    versions = {"consent": 2, "screening": 3}
    return someone, versions.get(kind, someone.version)


KINDS = ["allergy", "condition", "condition_resolution", "consent", "consent_withdrawal",
         "screening", "personal_data"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_patient_entry_can_be_voided_and_the_void_names_its_kind(kind):
    someone, version = with_entry(kind)
    assert someone.void(version, "entered in error", CLINICIAN, NOW) == kind
    assert voided_kind(someone) == kind and someone.voided == [version]
    assert someone.live_kind(version) is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_void_naming_another_kind_of_entry_is_refused(kind):
    someone, version = with_entry(kind)
    wrong = next(other for other in KINDS if other != kind)
    refused(VoidKindMismatchError, someone.void, version, "wrong", CLINICIAN, NOW, kind=wrong)
    someone.void(version, "right kind named", CLINICIAN, NOW, kind=kind)
    assert voided_kind(someone) == kind


def test_the_registration_a_void_and_a_voided_entry_cannot_be_voided():
    someone, version = with_entry("allergy")
    someone.void(version, "entered in error", CLINICIAN, NOW)
    someone.collect_events()
    refused(AlreadyVoidedError, someone.void, version, "again", CLINICIAN, NOW)
    refused(EntryNotVoidableError, someone.void, 1, "the registration", CLINICIAN, NOW)
    refused(EntryNotVoidableError, someone.void, someone.version, "the void", CLINICIAN, NOW)
    refused(EntryNotVoidableError, someone.void, 99, "no such entry", CLINICIAN, NOW)


def test_a_voided_allergy_no_longer_blocks_its_substance():
    someone, version = with_entry("allergy")
    treated = settled(TreatmentCourse.plan_for(uuid4(), someone.id, "clinic-a", plan(),
                                               someone.standing(), POLICY, CLINICIAN, NOW))
    refused(AllergenInFormulationError, treated.formulate, formula(), someone.standing(),
            CLINICIAN, NOW)
    someone.void(version, "another patient's allergy", CLINICIAN, NOW)
    assert someone.standing().allergies_at(NOW) == () and someone.allergies == []
    treated.formulate(formula(), someone.standing(), CLINICIAN, NOW)


def test_allergies_answered_at_a_voided_screening_leave_with_it():
    someone = patient(screened=False)
    someone.screen(answers(allergies=("lidocaine",)), BORN, CLINICIAN, NOW)
    someone.record_allergy("caffeine", "rash", CLINICIAN, NOW)
    someone.void(3, "screened the wrong patient", CLINICIAN, NOW)
    assert someone.standing().allergies_at(NOW) == ("caffeine",)


def test_a_voided_screening_no_longer_counts_as_current():
    someone = patient()
    someone.void(3, "screened the wrong patient", CLINICIAN, NOW)
    with pytest.raises(NoScreeningError):
        someone.standing().require_current_eligible_screening(NOW, 30)
    assert someone.screening is None


def test_voiding_the_latest_screening_makes_the_one_before_current_again():
    someone = patient()
    someone.screen(answers("pregnancy"), BORN, CLINICIAN, NOW + timedelta(hours=1))
    someone.void(4, "answers of another patient", CLINICIAN, NOW + timedelta(hours=2))
    later = NOW + timedelta(hours=3)
    someone.standing().require_current_eligible_screening(later, 30)
    assert someone.standing().screening_at(later).version == 3


def test_a_voided_consent_no_longer_allows_treatment():
    someone = patient()
    someone.void(2, "signed by another patient", CLINICIAN, NOW)
    with pytest.raises(NoTreatmentConsentError):
        someone.standing().require_treatment_consent(NOW)
    assert someone.active_consents == [] and someone.consents == {}


def test_a_voided_withdrawal_leaves_the_consent_active():
    someone, version = with_entry("consent_withdrawal")
    someone.void(version, "withdrawn on the wrong chart", CLINICIAN, NOW)
    someone.standing().require_treatment_consent(NOW)


def test_a_voided_condition_no_longer_waits_for_a_new_screening():
    someone, version = with_entry("condition")
    assert someone.standing().conditions_since_screening(NOW) == ("migraine",)
    someone.void(version, "another patient's migraine", CLINICIAN, NOW)
    assert someone.standing().conditions_since_screening(NOW) == ()
    assert someone.conditions == []


def test_a_voided_amendment_puts_the_personal_data_before_it_back():
    someone, version = with_entry("personal_data")
    assert someone.sealed_personal_data == "sealed again"
    someone.void(version, "amended the wrong patient", CLINICIAN, NOW)
    assert someone.sealed_personal_data == "sealed"


# --- who may void -------------------------------------------------------------------------

def nurse_entry(hours_ago: float, author=NURSE) -> tuple[TreatmentCourse, EntryMade]:
    """A course with an outcome scored by `author`, recorded `hours_ago` (server time)."""
    treated = course()
    treated.assess_outcome(outcome(), author, NOW)
    treated.collect_events()
    return treated, EntryMade(author.id, NOW - timedelta(hours=hours_ago))


def test_a_nurse_voids_her_own_entry_within_24_hours_of_recording_it():
    treated, made = nurse_entry(hours_ago=23.9)
    treated.void(3, "scored the wrong area", NURSE, NOW, made=made, now=NOW)
    assert recorded(treated) == [TreatmentCourse.EntryVoided]


def test_a_nurse_cannot_void_her_own_entry_after_24_hours_by_recorded_time():
    treated, made = nurse_entry(hours_ago=24.1)
    recent_clinical_time = NOW  # clinical time does not count: the server's recorded time does
    refused(VoidNotPermittedError, treated.void, 3, "late", NURSE, recent_clinical_time,
            made=made, now=NOW)


def test_a_nurse_cannot_void_someone_elses_entry():
    treated, made = nurse_entry(hours_ago=1, author=CLINICIAN)
    refused(VoidNotPermittedError, treated.void, 3, "not mine", NURSE, NOW, made=made, now=NOW)
    someone, version = with_entry("allergy")
    refused(VoidNotPermittedError, someone.void, version, "not mine", NURSE, NOW,
            made=EntryMade(CLINICIAN.id, NOW), now=NOW)


def test_a_clinician_voids_anyones_entry_at_any_age_and_a_receptionist_none():
    treated, made = nurse_entry(hours_ago=24 * 400)
    refused(VoidNotPermittedError, treated.void, 3, "desk", RECEPTIONIST, NOW, made=made,
            now=NOW)
    treated.void(3, "scored the wrong area", CLINICIAN, NOW, made=made, now=NOW)
    [void] = treated.collect_events()
    assert void.entry_kind == "outcome"


def test_a_course_void_naming_another_kind_is_refused():
    treated, _ = nurse_entry(hours_ago=1)
    refused(VoidKindMismatchError, treated.void, 3, "wrong", CLINICIAN, NOW, kind="injection")


# --- amendments name what they supersede --------------------------------------------------

def test_a_personal_data_amendment_names_the_entry_it_supersedes():
    someone = patient()
    someone.amend_personal_data("second", "typo", RECEPTIONIST, NOW)
    someone.amend_personal_data("third", "typo again", RECEPTIONIST, NOW, supersedes=4)
    first, second = someone.collect_events()
    assert (first.supersedes, second.supersedes) == (1, 4)
    refused(SupersedesNotCurrentError, someone.amend_personal_data, "fourth", "stale",
            RECEPTIONIST, NOW, 4)


def test_after_its_amendment_is_voided_the_entry_before_is_in_force_again():
    someone, version = with_entry("personal_data")
    someone.void(version, "amended the wrong patient", CLINICIAN, NOW)
    someone.amend_personal_data("again", "right patient", RECEPTIONIST, NOW, supersedes=1)
    assert someone.collect_events()[-1].supersedes == 1


def test_a_plan_amendment_names_the_plan_it_supersedes():
    treated = course()
    treated.amend_plan(plan(sessions=8), "slow response", CLINICIAN, NOW)
    treated.amend_plan(plan(sessions=9), "slower", CLINICIAN, NOW, supersedes=3)
    first, second = treated.collect_events()
    assert (first.supersedes, second.supersedes) == (1, 3)
    refused(SupersedesNotCurrentError, treated.amend_plan, plan(sessions=10), "stale",
            CLINICIAN, NOW, 1)
