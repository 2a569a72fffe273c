"""Safety in the browser, on the API's own answers: a clinician follows a lot's signal to
the patients exposed, recalls it, sees the voided injection marked and records a contact,
and downloads the call list; the outcomes registry shows its table, chart and note."""

from uuid import UUID

from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.clinic import PERSON
from tests.web.test_clinical_work import a_formulated_course


def a_lot_injected_twice_one_voided(server, mrn: str, lot: str) -> tuple[str, str]:
    from tests.clinic import CLINICIAN, adverse_event, dose, formula, ingredient

    patient_id, course_id = a_formulated_course(server, mrn)
    records = server.services.records
    course = UUID(course_id)
    records.formulate(course, formula(ingredient(lot=lot)), CLINICIAN)
    records.inject(course, dose(formulation_version=2, lots=(lot,)), CLINICIAN)
    wrong = records.inject(
        course, dose(2, formulation_version=2, lots=(lot,), interval_override="test"), CLINICIAN
    )
    records.void_entry(course, wrong.version, "charted on the wrong course", CLINICIAN)
    for _ in range(2):  # an infection cluster: the lot raises a signal
        infection = adverse_event(server.clock(), kind="infection", lots=(lot,))
        records.report_adverse_event(course, infection, CLINICIAN)
    return patient_id, course_id


def test_clinician_follows_a_signal_recalls_the_lot_and_records_a_contact(
    page, server, axe_script, tmp_path
):
    patient_id, _ = a_lot_injected_twice_one_voided(server, "SAF-1", "CAF-777")
    server.sign_in(page, "clinician")
    page.goto(server.url + "/patients")
    page.get_by_role("link", name="Signals").click()
    expect(page.get_by_role("heading", name="Safety signals")).to_be_visible()
    lot_row = page.get_by_role("row").filter(has_text="CAF-777")
    expect(lot_row).to_contain_text("caffeine 2%")
    expect(lot_row.get_by_role("cell", name="infection cluster")).to_be_visible()
    assert_accessible(page, axe_script)
    page.screenshot(path=str(tmp_path.parent / "safety-signals.png"), full_page=True)
    lot_row.get_by_role("link", name="Exposure list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exposed to caffeine 2% lot CAF-777")
    expect(page.get_by_role("cell", name="(voided)")).to_have_count(1)

    page.get_by_role("link", name="All recalls").click()
    before = server.log_position()
    page.get_by_label("Product").fill("caffeine 2%")
    page.get_by_label("Lot", exact=True).fill("CAF-777")
    page.get_by_label("Reason for the recall").fill("   ")
    page.get_by_role("button", name="Recall lot").click()
    expect(page.locator("#e-reason")).to_be_visible()  # no reason: refused, nothing kept
    assert server.log_position() == before
    page.get_by_label("Reason for the recall").fill("sterility failure at the maker")
    page.get_by_role("button", name="Recall lot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exposed to caffeine 2% lot CAF-777")
    assert_accessible(page, axe_script)

    row = page.get_by_role("row").filter(has_text="MRN SAF-1").filter(has_not_text="voided")
    expect(row.get_by_role("link", name=PERSON.name)).to_have_attribute(
        "href", f"/patients/{patient_id}"
    )  # the clinic's own patient, by name (opened from the sealed data) and MRN
    row.get_by_label("How").select_option("phone")
    row.get_by_label("Reached").check()
    row.get_by_role("button", name="Record contact").click()
    expect(page.get_by_role("cell", name="by phone: reached").first).to_be_visible()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the call list (CSV)").click()
    call_list = tmp_path / "recall.csv"
    downloading.value.save_as(call_list)
    lines = call_list.read_text().splitlines()
    assert len(lines) == 3 and all(patient_id in line for line in lines[1:])
    page.screenshot(path=str(tmp_path.parent / "safety-exposures.png"), full_page=True)

    page.goto(server.url + "/recalls")
    expect(page.get_by_role("cell", name="sterility failure at the maker")).to_be_visible()

    server.sign_in(page, "regulator")  # of every clinic: clinic and an opaque id, no name
    page.goto(server.url + "/recalls/exposures?product=caffeine+2%25&lot=CAF-777")
    exposed = page.get_by_role("row").filter(has_text=patient_id)
    expect(exposed).to_have_count(2)
    expect(exposed.first).to_contain_text("clinic-a")
    expect(page.get_by_role("main")).not_to_contain_text(PERSON.name)
    expect(page.get_by_role("main")).not_to_contain_text("SAF-1")


def test_outcomes_registry_shows_sessions_table_chart_and_the_observational_note(
    page, server, axe_script, tmp_path
):
    from tests.clinic import CLINICIAN, dose, outcome

    _, course_id = a_formulated_course(server, "SAF-2")
    records, course = server.services.records, UUID(course_id)
    records.assess_outcome(course, outcome("9"), CLINICIAN)
    records.inject(course, dose(), CLINICIAN)
    records.assess_outcome(course, outcome("6", "follow_up", 1), CLINICIAN)
    server.sign_in(page, "nurse")
    page.goto(server.url + "/patients")
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_text("Observational data from routine care")).to_be_visible()
    section = page.get_by_role("region", name="cellulite — thighs, lateral — hexsel csss")
    expect(section.get_by_role("row").nth(1)).to_contain_text("+3.0")
    expect(section.get_by_role("img")).to_have_accessible_name(
        "Median improvement from baseline by sessions done: after 1 sessions +3.0 points"
        " (1 patients)."
    )
    expect(page.get_by_role("link", name="Download every group (CSV)")).to_have_attribute(
        "href", "/v1/outcomes?format=csv"
    )
    assert_accessible(page, axe_script)
    page.screenshot(path=str(tmp_path.parent / "safety-outcomes.png"), full_page=True)
