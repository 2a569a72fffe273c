"""Rule codes are a contract: a client branches on them, so renaming a class changes none."""

import pytest

import api.http.app  # noqa: F401  (every module that may declare a rule)
from api.http.errors import WRITE_PROBLEMS
from domain.errors import RuleViolation, rule_catalogue

CATALOGUE = {
    "allergen_in_formulation": "AllergenInFormulationError",
    "already_signed": "AlreadySignedError",
    "already_voided": "AlreadyVoidedError",
    "area_not_planned": "AreaNotPlannedError",
    "backdated_too_far": "BackdatedTooFarError",
    "before_first_injection": "BeforeFirstInjectionError",
    "before_formulation": "BeforeFormulationError",
    "before_plan": "BeforePlanError",
    "before_registration": "BeforeRegistrationError",
    "condition_not_recorded": "ConditionNotRecordedError",
    "condition_since_screening": "ConditionSinceScreeningError",
    "consent_signed_out_of_time": "ConsentSignedOutOfTimeError",
    "consent_not_active": "ConsentNotActiveError",
    "course_closed": "CourseClosedError",
    "course_not_active": "CourseNotActiveError",
    "course_status_transition": "CourseStatusTransitionError",
    "dated_in_future": "DatedInFutureError",
    "depth_out_of_range": "DepthOutOfRangeError",
    "duplicate_mrn": "DuplicateMrnError",
    "duplicate_staff_email": "DuplicateStaffEmailError",
    "duplicate_product": "DuplicateProductError",
    "entry_not_signable": "EntryNotSignableError",
    "entry_not_voidable": "EntryNotVoidableError",
    "formulation_in_use": "FormulationInUseError",
    "formulation_missing": "FormulationMissingError",
    "implausible_birth_date": "ImplausibleBirthDateError",
    "indication_changed": "IndicationChangedError",
    "indication_not_screened": "IndicationNotScreenedError",
    "late_entry_unexplained": "LateEntryUnexplainedError",
    "last_role": "LastRoleError",
    "lot_expired": "LotExpiredError",
    "lot_not_in_formulation": "LotNotInFormulationError",
    "lot_not_recalled": "NotRecalledHereError",
    "lot_recalled": "LotRecalledError",
    "mix_differs_from_protocol": "MixDiffersFromProtocolError",
    "no_screening": "NoScreeningError",
    "scale_not_for_area": "ScaleNotForAreaError",
    "score_out_of_scale": "ScoreOutOfScaleError",
    "session_too_soon": "SessionTooSoonError",
    "no_treatment_consent": "NoTreatmentConsentError",
    "non_aqueous_vehicle": "NonAqueousVehicleError",
    "not_eligible": "NotEligibleError",
    "not_the_author": "NotTheAuthorError",
    "not_the_named_supervisor": "NotTheNamedSupervisorError",
    "onset_in_future": "OnsetInFutureError",
    "override_needs_clinician": "OverrideNeedsClinicianError",
    "personal_data_erased": "PersonalDataErasedError",
    "protocol_not_in_clinic": "ProtocolNotInClinicError",
    "retention_period_running": "RetentionPeriodRunningError",
    "revoker_not_permitted": "RevokerNotPermittedError",
    "role_already_held": "RoleAlreadyHeldError",
    "role_not_held": "RoleNotHeldError",
    "screening_outdated": "ScreeningOutdatedError",
    "second_factor_required": "SecondFactorRequiredError",
    "session_count_exceeded": "SessionCountExceededError",
    "session_out_of_sequence": "SessionOutOfSequenceError",
    "sessions_below_done": "SessionsBelowDoneError",
    "supersedes_not_current": "SupersedesNotCurrentError",
    "signature_not_revocable": "SignatureNotRevocableError",
    "staff_status_unchanged": "StaffStatusUnchangedError",
    "supervision_required": "SupervisionRequiredError",
    "void_kind_mismatch": "VoidKindMismatchError",
    "void_not_permitted": "VoidNotPermittedError",
    "undescribed_adverse_event": "UndescribedAdverseEventError",
    "supervisor_not_active_clinician": "SupervisorNotActiveClinicianError",
    "suspect_not_an_injection": "SuspectNotAnInjectionError",
    "voided_entry_not_signable": "VoidedEntryNotSignableError",
    "volume_limit_exceeded": "VolumeLimitExceededError",
}


def every_refusal(kind: type = RuleViolation) -> set[type]:
    found = set()
    for refusal in kind.__subclasses__():
        found |= {refusal, *every_refusal(refusal)}
    return found


def test_every_rule_code_is_the_one_clients_know():
    assert {code: cls.__name__ for code, cls in rule_catalogue().items()} == CATALOGUE


def test_every_refusal_in_the_tree_is_in_the_catalogue():
    assert every_refusal() == set(rule_catalogue().values())


def test_every_refusal_declares_its_code_and_its_rule_in_words():
    for code, refusal in rule_catalogue().items():
        assert refusal.__dict__["rule"] == code
        assert refusal.__doc__ and refusal.__doc__.strip()


def test_a_refusal_without_a_code_is_refused_when_declared():
    with pytest.raises(TypeError, match="declares no rule code"):
        class ForgotItsCodeError(RuleViolation):
            """A refusal someone forgot to give a code."""


def test_a_refusal_taking_another_ones_code_is_refused_when_declared():
    with pytest.raises(TypeError, match="both declare lot_expired"):
        class ExpiredAgainError(RuleViolation):
            """A second refusal claiming an existing code."""

            rule = "lot_expired"


def test_the_409_answer_lists_every_rule_in_words():
    described = WRITE_PROBLEMS[409]["description"]
    for code, refusal in rule_catalogue().items():
        assert f"- `{code}`: {' '.join(refusal.__doc__.split())}" in described
