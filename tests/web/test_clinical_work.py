"""A patient's care in the browser, end to end: the receptionist registers and records the
signed consent form; the clinician screens, plans on the body map, mixes (ratio shown
before saving), injects two sessions, records outcomes and voids an entry with a reason."""

import hashlib
import re
from datetime import timedelta
from uuid import UUID

from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.web import steps


def test_receptionist_registers_and_keeps_the_signed_consent_form(page, server, axe_script):
    server.sign_in(page, "receptionist")
    patient_id = steps.register(page, server, "CW-0001", "Ines Carvalho")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consents — Ines Carvalho")
    assert_accessible(page, axe_script)
    steps.record_consent(page, server, patient_id, server.clock().strftime("%Y-%m-%dT%H:%M"))
    expect(page.get_by_role("cell", name="treatment")).to_be_visible()
    recorded = server.services.records.patient(UUID(patient_id)).active_consents[0]
    assert recorded.document_sha256 == hashlib.sha256(steps.SIGNED_FORM).hexdigest()
    kept = list((server.var_dir / "consent-documents" / patient_id).iterdir())
    assert len(kept) == 1 and b"signed treatment consent" not in kept[0].read_bytes()
    href = page.get_by_role("link", name="View signed form").get_attribute("href")
    viewed = page.request.get(server.url + href)  # with the browser's own session
    assert viewed.headers["content-type"] == "application/pdf"
    assert viewed.body() == steps.SIGNED_FORM


def test_consent_without_its_signed_form_is_refused_and_records_nothing(page, server):
    server.sign_in(page, "receptionist")
    patient_id = steps.register(page, server, "CW-0002", "Rui Lopes")
    before = server.log_position()
    page.get_by_label("Scope").select_option("treatment")
    page.get_by_label("Form version").fill("TC-2026-1")
    page.get_by_label("Signed at (UTC)").fill(server.clock().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Signed form (PDF, PNG or JPEG)").set_input_files(
        {"name": "consent.txt", "mimeType": "text/plain", "buffer": b"not a form"}
    )
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator("#e-document")).to_contain_text("PDF, PNG or JPEG")
    assert server.log_position() == before
    assert not (server.var_dir / "consent-documents" / patient_id).exists()


def test_clinician_screens_plans_mixes_injects_two_sessions_and_voids(page, server, axe_script):
    blocked = []  # anything the Content-Security-Policy had to stop on any page
    page.on("console", lambda m: blocked.append(m.text) if "Security Policy" in m.text else 0)
    server.sign_in(page, "receptionist")
    patient_id = steps.register(page, server, "CW-0003", "Genevieve Okonkwo-Hart")
    steps.record_consent(page, server, patient_id, server.clock().strftime("%Y-%m-%dT%H:%M"))
    page.context.clear_cookies()
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/patients/{patient_id}/screening")
    assert_accessible(page, axe_script)  # the whole checklist
    steps.screen(page, server, patient_id)
    expect(page.get_by_text("eligible", exact=True)).to_be_visible()
    assert_accessible(page, axe_script)  # the chart
    page.goto(f"{server.url}/patients/{patient_id}/courses/new")
    assert_accessible(page, axe_script)  # the body map
    course_id = steps.plan_on_body_map(page, server, patient_id)

    steps.fill_mix(page)
    page.get_by_role("button", name="Show ratio").click()
    expect(page.get_by_role("status")).to_contain_text("caffeine 1.00 : l-carnitine 2.50")
    assert "Version 1" not in page.content()  # shown, not saved
    assert_accessible(page, axe_script)  # the course page
    page.get_by_role("button", name="Record mix").click()
    expect(page.get_by_text("Version 1: 5 mL")).to_be_visible()

    steps.outcome(page, "9", "baseline", "0")
    expect(page.get_by_label("Session", exact=True)).to_have_value("1")
    steps.inject(page, "thighs.lateral:left")
    expect(page.get_by_label("Session", exact=True)).to_have_value(
        "1"
    )  # same day: the same session
    steps.inject(page, "thighs.lateral:right")

    server.clock.advance(days=14)
    server.sign_in(page, "clinician")  # a fortnight later, a new session
    page.goto(f"{server.url}/courses/{course_id}")
    expect(page.get_by_label("Session", exact=True)).to_have_value("2")
    steps.inject(page, "thighs.lateral:left", volume="1.5")
    steps.outcome(page, "6", "follow_up", "2")

    page.get_by_label("Entry", exact=True).select_option(label="6: injection")
    page.get_by_label("Reason for voiding").fill("charted on the wrong side")
    page.get_by_role("button", name="Void entry").click()
    expect(page.get_by_role("row", name="voided: charted on the wrong side")).to_be_visible()
    assert_accessible(page, axe_script)

    page.get_by_role("link", name="Progress charts").click()
    chart = page.get_by_role("img", name="Cellulite: thighs, lateral (bilateral)")
    expect(chart).to_have_attribute(
        "aria-label",
        re.compile(
            r"1 of 6 sessions given; Hexsel cellulite severity scale from 9 to 6"
            r" \(lower is better\)"
        ),
    )
    table = page.get_by_role("table", name="Cellulite: thighs, lateral (bilateral), session")
    expect(
        table.get_by_role("row", name="1 4 v1 (caffeine 1.00 : l-carnitine 2.50)")
    ).to_be_visible()  # the voided injection of session 2 is gone from progress
    assert_accessible(page, axe_script)
    assert blocked == []


def a_formulated_course(server, mrn: str) -> tuple[str, str]:
    """Given (through the same use cases, not the browser): a consented, screened patient
    with a planned course and its mix."""
    from tests.clinic import CLINICIAN, PERSON, RECEPTIONIST, answers, formula, plan
    from tests.clinic import treatment_consent as consent

    records = server.services.records
    patient = records.register_patient("clinic-a", mrn, PERSON, RECEPTIONIST).id
    records.give_consent(patient, consent(server.clock()), RECEPTIONIST)
    records.screen(patient, answers(), CLINICIAN)
    course = records.plan_course(patient, plan(), CLINICIAN).id
    records.formulate(course, formula(), CLINICIAN)
    return str(patient), str(course)


def test_nurse_injects_under_her_supervisor_and_reports_a_serious_adverse_event(
    page, server, axe_script
):
    supervisor = server.account("clinician")
    _, course_id = a_formulated_course(server, "CW-0004")
    server.sign_in(page, "nurse")
    page.goto(f"{server.url}/courses/{course_id}")
    expect(page.get_by_text("New mix version")).to_have_count(0)  # a nurse does not mix
    page.get_by_label("Supervising clinician").select_option(supervisor["staff_id"])
    steps.inject(page, "thighs.lateral:left")
    expect(page.get_by_role("cell", name=re.compile("supervisor: Dr Maria Rossi"))).to_be_visible()
    assert_accessible(page, axe_script)

    server.clock.advance(minutes=2)  # the event begins after the injection
    page.get_by_label("Where").select_option("thighs.lateral:left")
    page.get_by_label("Kind of event").select_option("infection")
    page.get_by_label("Severity").select_option("severe")
    page.get_by_label("Onset (UTC)").fill(server.clock().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Serious (suspends the course)").check()
    page.get_by_label("Action taken").fill("antibiotics, referred")
    page.get_by_label("CAF-001 (suspected)").check()
    page.get_by_role("button", name="Report adverse event").click()
    expect(page.get_by_text("suspended", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Record injection")).to_have_count(0)


def test_nurse_without_a_supervisor_is_refused_and_nothing_is_recorded(page, server):
    _, course_id = a_formulated_course(server, "CW-0005")
    server.account("clinician")
    server.sign_in(page, "nurse")
    page.goto(f"{server.url}/courses/{course_id}")
    page.get_by_label("Supervising clinician").evaluate("s => s.removeAttribute('required')")
    before = server.log_position()
    steps.inject(page, "thighs.lateral:left")
    expect(page.get_by_role("alert")).to_contain_text("Not recorded")
    assert server.log_position() == before


def the_course_two_days_after_care(page, server, mrn: str) -> str:
    """The clinician opens a course two days after care given an hour after it was planned;
    returns when the care was given, as the form's date-time field takes it."""
    _, course_id = a_formulated_course(server, mrn)
    given_at = server.clock() + timedelta(hours=1)
    server.clock.advance(days=2)
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/courses/{course_id}")
    return given_at.strftime("%Y-%m-%dT%H:%M")


def test_care_charted_late_needs_its_reason_and_is_marked_late(page, server):
    given_at = the_course_two_days_after_care(page, server, "CW-0006")
    page.get_by_role("group", name="Lots used")  # the injection form is there
    page.locator("#h-inject ~ form details.late summary").first.click()
    page.get_by_label("When it happened (UTC)").first.fill(given_at)
    before = server.log_position()
    steps.inject(page, "thighs.lateral:left")
    expect(page.get_by_role("alert")).to_contain_text("Not recorded")
    expect(page.locator("#e-injections-late_entry_reason")).to_contain_text("late")
    assert server.log_position() == before
    page.get_by_label("Why it is charted late").first.fill("paper chart transcribed")
    steps.inject(page, "thighs.lateral:left")
    expect(page.get_by_role("row", name=re.compile("Injected .*late entry"))).to_be_visible()


def test_status_change_dated_days_back_without_a_reason_is_refused_beside_it(page, server):
    suspended_at = the_course_two_days_after_care(page, server, "CW-0008")
    status = page.get_by_role("form", name="Change status")
    status.get_by_text("Charting care that happened earlier?").click()
    status.get_by_label("When it happened (UTC)").fill(suspended_at)
    status.get_by_label("Action").select_option("suspend")
    status.get_by_label("Reason for the change").fill("patient travelling")
    before = server.log_position()
    status.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("alert")).to_contain_text("Not recorded")
    expect(status.get_by_label("Why it is charted late")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-status-late_entry_reason")).to_contain_text("late")
    assert server.log_position() == before
    expect(page.get_by_text("active", exact=True)).to_be_visible()  # the status shown
    status.get_by_label("Why it is charted late").fill("told by phone, charted on return")
    status.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("row", name=re.compile("Suspended .*late entry"))).to_be_visible()


def test_plan_amended_with_every_area_unticked_is_refused_and_records_nothing(
    page, server, axe_script
):
    _, course_id = a_formulated_course(server, "CW-0009")
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/courses/{course_id}")
    amend = page.get_by_role("form", name="Amend the plan")
    amend.get_by_label("thighs, lateral (bilateral)").uncheck()
    amend.get_by_label("Reason for the amendment").fill("patient asked to stop")
    before = server.log_position()
    amend.get_by_role("button", name="Amend plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Not recorded")
    expect(page.locator("#e-plan-areas")).to_contain_text("keep at least one area")
    assert server.log_position() == before
    expect(amend.get_by_label("thighs, lateral (bilateral)")).not_to_be_checked()  # as sent
    amend.get_by_label("thighs, lateral (bilateral)").check()
    amend.get_by_label("Sessions planned").fill("8")
    amend.get_by_label("Days between sessions").fill("21")
    amend.get_by_label("Reason for the amendment").fill("slower response than expected")
    amend.get_by_role("button", name="Amend plan").click()
    expect(page.get_by_text("8 sessions, every 21 days")).to_be_visible()
    amended = page.get_by_role("row", name=re.compile("Plan amended .*slower response"))
    expect(amended).to_be_visible()
    assert_accessible(page, axe_script)


def test_clinician_records_an_allergy_and_a_condition_on_the_chart(page, server, axe_script):
    server.sign_in(page, "clinician")
    steps.register(page, server, "CW-0007", "Beatriz Lima")
    page.get_by_text("Record an allergy").click()
    page.get_by_label("Substance").fill("lidocaine hydrochloride")
    page.get_by_label("Reaction").fill("urticaria")
    page.get_by_role("button", name="Record allergy").click()
    expect(page.get_by_role("region", name="Allergies")).to_contain_text("lidocaine")
    page.get_by_text("Record a condition").click()
    page.get_by_role("textbox", name="Condition").fill("herpes labialis")
    page.get_by_role("button", name="Record condition").click()
    expect(page.get_by_role("region", name="Conditions")).to_contain_text("herpes labialis")
    assert_accessible(page, axe_script)
