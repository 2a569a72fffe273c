"""Staff accounts as events: what an account may become, in memory, and its use cases on
a real SQLite file and real PostgreSQL (an e-mail signs in to one account only)."""

from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidEntry, NotFoundError
from domain.passwords import WeakPasswordError, require_strong_password
from domain.staff import (
    DuplicateStaffEmailError,
    LastRoleError,
    RoleAlreadyHeldError,
    SecondFactorRequiredError,
    StaffMember,
    StaffStatusUnchangedError,
)
from domain.staff_records import SupervisorNotActiveClinicianError
from domain.values import Actor
from tests.clinic import NURSE, dose, supervising_clinician

ADMIN = Actor("u-admin-1", "Alex Admin", "admin")


def member(*roles: str, clinic: str = "clinic-a", second_factor: bool = False) -> StaffMember:
    return StaffMember.register(uuid4(), clinic, "Dr Maria Rossi", " Maria.Rossi@Example.org ",
                                list(roles or ("clinician",)), ADMIN,
                                second_factor=second_factor)


def test_registered_account_is_active_with_its_roles_and_a_compared_email():
    account = member("clinician", "nurse")
    assert account.active and account.roles == ["clinician", "nurse"]
    assert account.email == "maria.rossi@example.org"
    assert account.holds("nurse") and not account.holds("auditor")


def test_deactivated_account_holds_no_role_until_reactivated():
    account = member()
    account.deactivate("left the clinic", ADMIN)
    assert not account.holds("clinician")
    with pytest.raises(StaffStatusUnchangedError):
        account.deactivate("again", ADMIN)
    account.reactivate("came back", ADMIN)
    assert account.holds("clinician")


def test_admin_without_second_factor_is_refused_at_registration_and_grant():
    with pytest.raises(SecondFactorRequiredError):
        member("admin")
    account = member()
    with pytest.raises(SecondFactorRequiredError):
        account.grant("admin", ADMIN)
    account.note_second_factor(account_actor(account))
    account.grant("admin", ADMIN)
    assert account.holds("admin")


def test_clinic_staff_cannot_be_made_regulators_nor_regulators_clinic_staff():
    with pytest.raises(InvalidEntry):
        member("regulator", second_factor=True)
    with pytest.raises(InvalidEntry):
        member("clinician", clinic="*")
    with pytest.raises(InvalidEntry):
        member().grant("regulator", ADMIN)


def test_role_granted_twice_or_the_last_one_revoked_is_refused():
    account = member()
    with pytest.raises(RoleAlreadyHeldError):
        account.grant("clinician", ADMIN)
    with pytest.raises(LastRoleError):
        account.revoke("clinician", "no longer", ADMIN)


def test_no_event_of_an_account_holds_a_secret():
    account = member("clinician")
    account.note_password_changed(ADMIN)
    account.note_second_factor(ADMIN)
    fields = {name for event in account.collect_events() for name in vars(event)}
    assert not fields & {"password", "password_hash", "secret", "totp", "hash"}


@pytest.mark.parametrize(("password", "rule"), [
    ("short-pass", "password_too_short"),
    ("maria.rossi@example.org", "password_is_email"),
    ("MARIA.ROSSI@example.org", "password_is_email"),
    ("Dr Maria Rossi", "password_is_name"),
    (None, "password_required"),
])
def test_weak_password_is_refused_naming_the_rule(password, rule):
    with pytest.raises(WeakPasswordError) as refusal:
        require_strong_password(password, "maria.rossi@example.org", "Dr Maria Rossi")
    assert refusal.value.rule == rule and refusal.value.field == "password"


def account_actor(account: StaffMember) -> Actor:
    return Actor(str(account.id), account.name, account.roles[0])


# --- use cases on both backends ---------------------------------------------------------

def test_same_email_in_any_clinic_is_refused_and_records_nothing(records):
    records.register_staff("clinic-a", "Dr Maria Rossi", "maria@example.org", ["clinician"],
                           ADMIN)
    before = records.recorder.max_notification_id()
    with pytest.raises(DuplicateStaffEmailError):
        records.register_staff("clinic-b", "Maria R", "MARIA@example.org ", ["nurse"], ADMIN)
    assert records.recorder.max_notification_id() == before


def test_account_is_found_by_id_and_by_email_as_stored_now(records):
    staff_id = records.register_staff("clinic-a", "Nurse Tom Baker", "tom@example.org",
                                      ["nurse"], ADMIN).id
    records.deactivate_staff(staff_id, "left", ADMIN)
    found = records.staff_by_email("Tom@Example.org")
    assert found.id == staff_id and not found.active and found.clinic == "clinic-a"
    with pytest.raises(NotFoundError):
        records.staff_by_email("nobody@example.org")


@pytest.mark.parametrize("who", ["free text", "nurse", "other clinic", "deactivated"])
def test_supervisor_not_an_active_clinician_of_the_clinic_is_refused(clinic, records, who):
    course_id = clinic.formulated_course()
    supervisor = {
        "free text": lambda: "Nobody In Particular",
        "nurse": lambda: str(records.register_staff("clinic-a", "Nurse B", "b@example.org",
                                                    ["nurse"], ADMIN).id),
        "other clinic": lambda: supervising_clinician(records, "clinic-b"),
        "deactivated": lambda: deactivated(records, supervising_clinician(records)),
    }[who]()
    with clinic.refuses(SupervisorNotActiveClinicianError):
        records.inject(course_id, dose(1, supervisor=supervisor), NURSE)
    active = records.register_staff("clinic-a", "Dr Ok", "ok@example.org", ["clinician"], ADMIN)
    records.inject(course_id, dose(1, supervisor=str(active.id)), NURSE)


def deactivated(records, staff_id: str) -> str:
    records.deactivate_staff(UUID(staff_id), "left", ADMIN)
    return staff_id
