"""The front desk in a browser: find patients, register them; and what nobody may do."""

from uuid import UUID

from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.web.steps import register

HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def test_receptionist_registers_and_finds_a_patient_by_name_and_mrn(page, server, axe_script):
    server.sign_in(page, "receptionist")
    register(page, server, "FD-0001", "Genevieve Okonkwo-Hart")
    page.goto(server.url + "/patients")
    assert_accessible(page, axe_script)
    page.get_by_label("Search patients").fill("okonkwo")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Genevieve Okonkwo-Hart")).to_be_visible()
    page.get_by_label("Search patients").fill("fd 0001")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="FD-0001")).to_be_visible()
    page.get_by_label("Search patients").fill("nobody-like-this")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No patient found.")).to_be_visible()


def test_registration_with_a_future_birth_date_is_refused_beside_the_field(
    page, server, axe_script
):
    server.sign_in(page, "receptionist")
    before = server.log_position()
    register(page, server, "FD-0002", "Tom Future", born="2999-01-01")
    expect(page.get_by_role("alert")).to_contain_text("Not recorded")
    expect(page.locator("#e-date_of_birth")).to_be_visible()
    assert server.log_position() == before
    assert_accessible(page, axe_script)


def test_hostile_patient_name_is_shown_as_text_and_runs_nothing(page, server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    server.sign_in(page, "clinician")
    register(page, server, "FD-0003", HOSTILE_NAME)
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOSTILE_NAME)
    page.goto(server.url + "/patients?q=FD-0003")
    expect(page.get_by_role("link", name=HOSTILE_NAME)).to_be_visible()
    assert dialogs == []
    assert page.locator("img").count() == 0


def test_personal_data_corrected_with_a_reason_keeps_the_old_in_history(page, server):
    server.sign_in(page, "receptionist")
    patient_id = register(page, server, "FD-0004", "Marta Sousaa")
    page.get_by_text("The old values stay in the history").click()
    page.get_by_label("Corrected full name").fill("Marta Sousa")
    before = server.log_position()
    page.get_by_label("Reason for the correction").fill("")
    page.get_by_label("Reason for the correction").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="Record correction").click()
    expect(page.get_by_role("alert")).to_contain_text("Not recorded")
    assert server.log_position() == before
    page.get_by_label("Reason for the correction").fill("typo at registration")
    page.get_by_role("button", name="Record correction").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marta Sousa ")
    events = server.services.records.events.get(UUID(patient_id))
    assert [type(e).__name__ for e in events][:2] == ["Registered", "PersonalDataAmended"]
