"""Correcting a patient's own record in the browser: the clinician voids an allergy made in
error with a reason (struck through, gone from the chart, nothing lost), a void without a
reason is refused and records nothing, and an amendment of personal data names what it
superseded."""

from dataclasses import replace
from uuid import UUID

from playwright.sync_api import expect

from tests.browser import assert_accessible


def test_clinician_voids_an_allergy_made_in_error_and_it_stays_struck_through(
    page, server, axe_script, tmp_path
):
    from tests.clinic import CLINICIAN, PERSON, RECEPTIONIST

    records = server.services.records
    patient = records.register_patient("clinic-a", "COR-1", PERSON, RECEPTIONIST).id
    records.record_allergy(patient, "lidocaine", "hives", CLINICIAN)
    records.amend_personal_data(
        patient, replace(PERSON, contact="+351 910 000 001"), "new phone number", RECEPTIONIST
    )
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/patients/{patient}")
    expect(page.get_by_role("region", name="Allergies")).to_contain_text("lidocaine")
    page.get_by_role("link", name="Entries and corrections").click()
    expect(page.get_by_role("row").filter(has_text="supersedes v1")).to_have_count(1)
    expect(
        page.get_by_role("row").filter(has_text="amended by v3: new phone number")
    ).to_have_count(1)
    assert_accessible(page, axe_script)

    before = server.log_position()
    page.get_by_label("Entry", exact=True).select_option(label="v2 allergy recorded")
    page.get_by_label("Reason for voiding").fill("  ")
    page.get_by_role("button", name="Void entry").click()
    expect(page.locator("#e-reason")).to_be_visible()
    assert server.log_position() == before  # refused: nothing recorded

    page.get_by_label("Entry", exact=True).select_option(label="v2 allergy recorded")
    page.get_by_label("Reason for voiding").fill("recorded on the wrong patient")
    page.get_by_role("button", name="Void entry").click()
    voided = page.get_by_role("row").filter(has_text="voided: recorded on the wrong patient")
    expect(voided).to_contain_text("lidocaine")
    expect(voided.locator("td.voided").first).to_be_visible()
    page.screenshot(path=str(tmp_path.parent / "patient-entries.png"), full_page=True)
    assert records.patient(UUID(str(patient))).allergies == []
    page.get_by_role("link", name="Back to the chart").click()
    expect(page.get_by_role("region", name="Allergies")).to_contain_text("None recorded.")
