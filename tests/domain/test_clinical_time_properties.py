"""Property: the rules judged at a clinical time equal the rules judged on the history as it
stood then. A patient's entries are made in any order with any clinical times; asking the
whole record as of an instant answers as a record holding only the entries dated by then."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidEntry, RuleViolation
from domain.patient import Patient
from domain.standing import PatientStanding
from tests.clinic import CLINICIAN, RECEPTIONIST, answers, treatment_consent
from tests.domain.given import BORN, NOW

HOURS = st.integers(min_value=0, max_value=24 * 40)
ENTRIES = st.lists(st.tuples(
    st.sampled_from(["consent", "withdraw", "screen", "screen_ineligible", "allergy",
                     "condition", "resolve"]),
    HOURS, st.sampled_from(["caffeine", "lidocaine", "herpes labialis"])), max_size=14)


def record(patient: Patient, kind: str, hours: int, subject: str) -> None:
    """One entry, dated `hours` after registration; a refused one is simply not made."""
    at = NOW + timedelta(hours=hours)
    try:
        match kind:
            case "consent":
                patient.give_consent(treatment_consent(at), RECEPTIONIST, at)
            case "withdraw":
                patient.withdraw_consent("treatment", "asked", RECEPTIONIST, at)
            case "screen" | "screen_ineligible":
                present = ("pregnancy",) if kind == "screen_ineligible" else ()
                patient.screen(answers(*present), BORN, CLINICIAN, at)
            case "allergy":
                patient.record_allergy(subject, "rash", CLINICIAN, at)
            case "condition":
                patient.record_condition(subject, "", CLINICIAN, at)
            case "resolve":
                patient.resolve_condition(subject, "healed", CLINICIAN, at)
    except (RuleViolation, InvalidEntry):
        pass


def made(entries) -> Patient:
    patient = Patient.register(uuid4(), "clinic-a", "MRN-1", "sealed", RECEPTIONIST, NOW)
    for entry in entries:
        record(patient, *entry)
    return patient


def verdicts(standing: PatientStanding, at) -> tuple:
    """Every rule a course entry asks of the patient, as of `at`."""
    def outcome(rule) -> str:
        try:
            rule()
        except RuleViolation as refusal:
            return refusal.rule
        return "ok"
    return (outcome(lambda: standing.require_treatment_consent(at)),
            outcome(lambda: standing.require_current_eligible_screening(at, 30)),
            set(standing.allergies_at(at)), set(standing.conditions_since_screening(at)))


@settings(max_examples=300, deadline=None)
@given(ENTRIES, HOURS)
def test_rules_at_a_clinical_time_equal_rules_on_the_history_as_it_stood_then(entries, hours):
    at = NOW + timedelta(hours=hours)
    whole = made(entries).standing()
    as_it_stood = made([entry for entry in entries if NOW + timedelta(hours=entry[1]) <= at])
    assert verdicts(whole, at) == verdicts(as_it_stood.standing(), at)
