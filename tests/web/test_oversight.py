"""Auditors and regulators in the browser: who saw a patient's record, the audit trail,
the sign-in log, integrity with verify; a regulator downloads a patient's export and the
offline verifier accepts it."""

import subprocess
import sys
from uuid import UUID

from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.integrity.runs import HeldVerifications
from tests.integrity.test_verify import tamper
from tests.web import steps


def a_patient_read_by_the_clinician(page, server, mrn: str) -> str:
    server.sign_in(page, "clinician")
    patient_id = steps.register(page, server, mrn, "Leonor Matos")
    page.goto(f"{server.url}/patients/{patient_id}")  # a read, on record
    page.context.clear_cookies()
    return patient_id


def test_auditor_finds_who_read_a_patients_record(page, server, axe_script):
    patient_id = a_patient_read_by_the_clinician(page, server, "AUD-1")
    server.sign_in(page, "auditor")
    page.goto(server.url + "/patients?q=AUD-1")
    page.get_by_role("link", name="Leonor Matos").click()
    page.get_by_role("link", name="Who saw this record").click()
    expect(page.get_by_role("heading", name="Access log")).to_be_visible()
    rows = page.get_by_role("row").filter(has_text="Dr Maria Rossi")
    expect(rows.first).to_contain_text(f"/patients/{patient_id}")
    assert_accessible(page, axe_script)
    page.goto(server.url + "/access-log")
    page.get_by_label("Patient MRN").fill("AUD-1")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row").filter(has_text="Dr Maria Rossi").first).to_be_visible()


def test_auditor_reads_the_audit_trail_and_the_sign_in_log(page, server, axe_script):
    a_patient_read_by_the_clinician(page, server, "AUD-2")
    server.sign_in(page, "auditor")
    page.goto(server.url + "/audit")
    page.get_by_label("Entry type").fill("Registered")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="Registered").first).to_be_visible()
    assert_accessible(page, axe_script)
    page.get_by_role("link", name="Sign-in log").click()
    expect(page.get_by_role("cell", name="signed in").first).to_be_visible()
    assert_accessible(page, axe_script)


def test_regulator_verifies_the_store_and_downloads_an_export_the_verifier_accepts(
    page, server, axe_script, tmp_path
):
    patient_id = a_patient_read_by_the_clinician(page, server, "REG-1")
    server.sign_in(page, "regulator")
    page.goto(server.url + "/integrity")
    assert_accessible(page, axe_script)
    page.get_by_role("button", name="Run verify").click()
    expect(page.get_by_role("heading", name="Verification of the whole store")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Verified:")
    progress = page.get_by_role("progressbar", name="Entries checked")
    checked, total = progress.get_attribute("value"), progress.get_attribute("max")
    assert checked == total and 0 < int(total) <= server.log_position()
    expect(page.get_by_text(f"{checked} of {total} entries checked")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"Verified: {checked} entries")
    assert_accessible(page, axe_script)
    page.goto(server.url + "/integrity")
    log_key = page.locator("dd code").nth(1).inner_text()

    page.goto(f"{server.url}/patients/{patient_id}")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="JSON (verifiable)").click()
    export = tmp_path / "export.json"
    downloading.value.save_as(export)
    assert_the_verifier_accepts(export, log_key)


def test_auditor_finds_the_patients_exposed_to_a_lot(page, server, axe_script):
    from tests.clinic import CLINICIAN, PERSON, dose
    from tests.web.test_clinical_work import a_formulated_course

    patient_id, course_id = a_formulated_course(server, "LOT-1")
    server.services.records.inject(UUID(course_id), dose(lots=("CAF-001",)), CLINICIAN)
    server.sign_in(page, "auditor")
    page.goto(server.url + "/patients")
    page.get_by_role("link", name="Lot recall").click()
    page.get_by_label("Lot number").fill("CAF-001")
    page.get_by_role("button", name="Find patients exposed").click()
    expect(page.get_by_role("link", name=PERSON.name)).to_have_attribute(
        "href", f"/patients/{patient_id}"
    )
    expect(page.get_by_role("row").filter(has_text=PERSON.name)).to_contain_text("MRN LOT-1")
    assert_accessible(page, axe_script)


def test_auditor_exports_the_whole_clinic_and_the_verifier_accepts_it(
    page, server, axe_script, tmp_path
):
    a_patient_read_by_the_clinician(page, server, "AUD-3")
    server.sign_in(page, "auditor")
    page.goto(server.url + "/integrity")
    log_key = page.locator("dd code").nth(1).inner_text()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Export clinic-a (NDJSON)").click()
    export = tmp_path / "clinic.ndjson"
    downloading.value.save_as(export)
    lines = export.read_text().splitlines()
    assert len(lines) >= 2 and "clinic-b" not in export.read_text()
    assert_the_verifier_accepts(export, log_key)
    page.get_by_role("link", name="Signals").click()  # the overseers' safety pages
    expect(page.get_by_role("heading", name="Safety signals")).to_be_visible()
    page.get_by_role("link", name="Recalls").click()
    expect(page.get_by_role("button", name="Recall lot")).to_have_count(0)  # auditors read
    assert_accessible(page, axe_script)


def test_regulator_names_the_clinic_to_export_and_another_name_is_not_found(page, server):
    server.sign_in(page, "regulator")
    page.goto(server.url + "/integrity")
    page.get_by_label("Clinic", exact=True).fill("clinic-a")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Export clinic").click()
    assert downloading.value.url.endswith("/v1/clinics/clinic-a/export")
    server.sign_in(page, "auditor")  # an auditor of clinic-a asks for another clinic
    assert page.request.get(server.url + "/clinic-export?clinic=clinic-b").status == 404


def test_an_insider_changing_a_stored_event_is_named_by_verify_in_the_browser(page, server):
    a_patient_read_by_the_clinician(page, server, "AUD-4")
    server.sign_in(page, "clinician")  # verify is the overseers' (its progress too)
    assert page.request.get(server.url + "/integrity/verification").status == 403
    server.sign_in(page, "auditor")
    page.goto(server.url + "/integrity")  # a checkpoint is signed over everything so far
    position = server.log_position()
    stored = next(iter(server.services.records.recorder.select_notifications(position, 1)))
    changed = stored.state[:-1] + bytes([stored.state[-1] ^ 1])
    settings = server.services.settings
    tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = ?", (changed, position))
    try:
        page.get_by_role("button", name="Run verify").click()
        expect(page.get_by_role("status")).to_contain_text(
            f"Verification FAILED at position {position}: the event at position {position}"
            " was changed"
        )
        expect(
            page.get_by_role("heading", name="Newest checkpoint held outside the database")
        ).to_be_visible()
    finally:  # the module's other tests verify this store too
        tamper(settings, "UPDATE {table} SET state = ? WHERE {id} = ?", (stored.state, position))


def test_auditor_watches_verify_run_and_may_stop_the_page_refreshing(page, server, axe_script):
    services = server.services
    kept = services.verifications
    held = services.verifications = HeldVerifications(services.integrity, 0, server.clock)
    try:
        server.sign_in(page, "auditor")
        page.goto(server.url + "/integrity")
        with page.expect_response(server.url + "/integrity/verification") as shown:
            page.get_by_role("button", name="Run verify").click()
        assert shown.value.headers["refresh"] == "2"  # the page reloads itself, no script
        expect(page.get_by_role("status")).to_contain_text("Verifying")
        assert held.first_read.wait(10)
        with page.expect_response(lambda answer: "refresh=off" in answer.url) as stopped:
            page.get_by_role("link", name="Stop refreshing").click()
        assert "refresh" not in stopped.value.headers  # a slow reader turns it off
        total = str(held.latest.total)
        progress = page.get_by_role("progressbar", name="Entries checked")
        expect(progress).to_have_attribute("max", total)
        expect(progress).to_have_attribute("value", total)  # one read holds this small store
        assert_accessible(page, axe_script)
        page.goto(server.url + "/integrity")
        expect(
            page.get_by_role("link", name=f"Verification under way: {total} of {total}")
        ).to_be_visible()
        page.go_back()  # the progress page, not refreshing
        check_again = page.get_by_role("link", name="Check again")
        expect(check_again).to_be_visible()
        held.go_on.set()
        check_again.click()
        expect(page.get_by_role("status")).to_contain_text(f"Verified: {total} entries")
        expect(page.get_by_role("button", name="Run verify again")).to_be_visible()
    finally:
        held.go_on.set()
        services.verifications = kept


def assert_the_verifier_accepts(export, log_key: str) -> None:
    """The regulator's offline verifier, in its own process, pinned to the log key the
    Integrity page shows, accepts the downloaded export."""
    key = export.with_suffix(".key")
    key.write_text(log_key + "\n")
    checked = subprocess.run(
        [sys.executable, "-m", "api.verify_export", str(export), "--log-key", str(key)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
