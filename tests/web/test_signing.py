"""Electronic signatures in the browser: the clinician voids an entry with a reason and signs
what is left; the nurse injects under her supervisor, who co-signs; a wrong password signs
nothing; a receptionist has no to-sign page; voided entries stay on the chart, struck
through with their reason."""

import re
from uuid import UUID

import pyotp
from playwright.sync_api import expect

from domain.values import Actor
from projections.access_log import AccessFilter, AccessLog
from tests.browser import assert_accessible
from tests.clinic import PERSON, RECEPTIONIST
from tests.web import steps
from tests.web.server import PASSWORD, PEOPLE
from tests.web.test_clinical_work import a_formulated_course


def staff_actor(server, role: str) -> Actor:
    return Actor(server.account(role)["staff_id"], PEOPLE[role], role)


def signatures_on(server, course_id: str) -> list[tuple[int, str, str]]:
    course = server.services.records.course(UUID(course_id))
    return [(s.entry_version, s.meaning, s.signer) for s in course.signature_list()]


def sign_form(page, version: int):
    return page.get_by_role("form", name=re.compile(f"^Sign entry {version}:"))


def test_clinician_voids_and_signs_then_the_nurse_injects_and_her_supervisor_cosigns(
    page, server, axe_script
):
    clinician, nurse = server.account("clinician"), server.account("nurse")
    patient_id, course_id = a_formulated_course(server, "SG-0001")
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/courses/{course_id}")
    steps.inject(page, "thighs.lateral:left")  # entry 3
    steps.inject(page, "thighs.lateral:right")  # entry 4
    page.get_by_label("Entry", exact=True).select_option(label="4: injection")
    page.get_by_label("Reason for voiding").fill("charted on the wrong side")
    page.get_by_role("button", name="Void entry").click()

    page.get_by_role("link", name="To sign (1)").click()  # the voided one needs no signature
    expect(page.get_by_role("heading", level=1)).to_have_text("To sign")
    expect(page.get_by_role("heading", level=2)).to_have_text(  # whose record, by name and MRN
        f"{PERSON.name}, MRN SG-0001 — injected (entry 3)")
    assert_accessible(page, axe_script)
    form = sign_form(page, 3)
    expect(form.get_by_label("Meaning")).to_have_value("authorship")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("status")).to_contain_text("Signed")
    expect(page.get_by_role("link", name="To sign (0)")).to_be_visible()
    assert signatures_on(server, course_id) == [(3, "authorship", clinician["staff_id"])]

    server.sign_in(page, "nurse")
    page.goto(f"{server.url}/courses/{course_id}")
    page.get_by_label("Supervising clinician").select_option(clinician["staff_id"])
    steps.inject(page, "thighs.lateral:right")  # entry 7 (5: the void, 6: the signature)
    page.get_by_role("link", name="To sign (1)").click()
    sign_form(page, 7).get_by_label("Password").fill(PASSWORD)
    sign_form(page, 7).get_by_role("button", name="Sign").click()
    expect(page.get_by_role("status")).to_contain_text("Signed")

    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/to-sign")
    says = page.get_by_role("article").get_by_role("listitem")  # all of it, field by field
    expect(says.filter(has_text=re.compile(r"^laterality: right$"))).to_have_count(1)
    expect(says.filter(has_text=re.compile(r"^supervisor: "))).to_have_text(
        f"supervisor: {PEOPLE['clinician']}")  # by name, not the account's id
    form = sign_form(page, 7)
    expect(form.get_by_label("Meaning")).to_have_value("cosignature")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Nothing awaits your signature.")).to_be_visible()
    assert signatures_on(server, course_id)[1:] == [
        (7, "authorship", nurse["staff_id"]),
        (7, "cosignature", clinician["staff_id"]),
    ]

    page.goto(f"{server.url}/courses/{course_id}")
    injection = page.get_by_role("row", name=re.compile(r"^7 "))
    expect(injection).to_contain_text("Nurse Tom Baker, author")
    expect(injection).to_contain_text("Dr Maria Rossi, co-signature")
    voided = page.get_by_role("row", name=re.compile(r"^4 "))
    expect(voided).to_contain_text("voided: charted on the wrong side")
    page.get_by_label("Signature", exact=True).select_option(
        label="Dr Maria Rossi, co-signature of entry 7"
    )
    page.get_by_label("Reason for revoking").fill("signed before reading the dose")
    page.get_by_role("button", name="Revoke signature").click()
    expect(page.get_by_role("row", name=re.compile(r"^7 "))).to_contain_text(
        "revoked: signed before reading the dose"
    )
    course = server.services.records.course(UUID(course_id))
    assert [s.revoked for s in course.signature_list()] == [False, False, True]

    page.goto(f"{server.url}/patients/{patient_id}")  # the chart keeps it, struck through
    struck = page.get_by_role("region", name="Courses").locator("del")
    expect(struck).to_have_count(1)
    expect(page.get_by_role("region", name="Courses")).to_contain_text(
        "voided: charted on the wrong side"
    )


def test_a_wrong_password_signs_nothing(page, server):
    clinician = staff_actor(server, "clinician")
    records = server.services.records
    patient = records.register_patient("clinic-a", "SG-0002", PERSON, RECEPTIONIST).id
    made = records.record_allergy(patient, "lidocaine", "urticaria", clinician)
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/to-sign?at={made.position}")  # once the views show it
    form = sign_form(page, made.version)
    form.get_by_label("Password").fill("not my password")
    before = server.log_position()
    form.get_by_role("button", name="Sign").click()
    form = sign_form(page, made.version)
    expect(form.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("not the account's password")
    expect(form.get_by_label("Password")).to_have_value("")  # never sent back
    assert records.patient(patient).signature_list() == []
    assert server.log_position() == before
    with server.services.views.transaction(write=False) as tx:  # who saw the entry
        reads = AccessLog.page(tx, AccessFilter(patient_id=str(patient)))
    assert ("/to-sign", staff_actor(server, "clinician").id) in {
        (r["resource"].split("?")[0], r["actor_id"]) for r in reads
    }


def test_a_receptionist_cannot_reach_the_to_sign_page(page, server):
    server.sign_in(page, "receptionist")
    page.goto(f"{server.url}/patients")
    expect(page.get_by_role("link", name=re.compile("To sign"))).to_have_count(0)
    answer = page.goto(f"{server.url}/to-sign")
    assert answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not permitted")


def test_a_voided_allergy_stays_on_the_chart_struck_through_with_its_reason(
    page, server, axe_script
):
    clinician = staff_actor(server, "clinician")
    records = server.services.records
    patient = records.register_patient("clinic-a", "SG-0003", PERSON, RECEPTIONIST).id
    made = records.record_allergy(patient, "hyaluronidase", "swelling", clinician)
    records.record_allergy(patient, "lidocaine", "urticaria", clinician)
    void = records.void_patient_entry(
        patient, made.version, "recorded on the wrong patient", clinician
    )
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/patients/{patient}?at={void.position}")
    allergies = page.get_by_role("region", name="Allergies")
    expect(allergies.locator("del")).to_have_text(re.compile("hyaluronidase"))
    expect(allergies).to_contain_text("voided: recorded on the wrong patient")
    expect(allergies.get_by_role("listitem").filter(has_text="lidocaine")).to_have_count(1)
    assert_accessible(page, axe_script)


def test_a_signature_on_the_patient_record_is_revoked_with_its_reason(page, server, axe_script):
    clinician = staff_actor(server, "clinician")
    records = server.services.records
    patient = records.register_patient("clinic-a", "SG-0004", PERSON, RECEPTIONIST).id
    made = records.record_allergy(patient, "procaine", "rash", clinician)
    signed = records.sign_entry(patient, made.version, "authorship", clinician)
    server.sign_in(page, "clinician")
    page.goto(f"{server.url}/patients/{patient}/entries?at={signed.position}")
    allergy = page.get_by_role("row", name=re.compile("allergy recorded"))
    expect(allergy).to_contain_text("Dr Maria Rossi, author")
    page.get_by_label("Signature", exact=True).select_option(
        label=f"Dr Maria Rossi, author of entry {made.version}"
    )
    page.get_by_label("Reason for revoking").fill("signed the wrong allergy")
    page.get_by_role("button", name="Revoke signature").click()
    expect(allergy).to_contain_text("revoked: signed the wrong allergy")
    assert [s.revoked for s in records.patient(patient).signature_list()] == [True]
    assert_accessible(page, axe_script)


def test_a_signer_with_a_second_factor_signs_only_with_its_code(page, server):
    nurse = server.account("nurse", "clinic-b")
    staff_id = UUID(nurse["staff_id"])
    nurse["totp_secret"] = server.services.staff.accounts.enrol_second_factor(
        staff_id, Actor("setup", "Setup", "admin")
    )[1]
    records = server.services.records
    patient = records.register_patient("clinic-b", "SG-0005", PERSON, RECEPTIONIST).id
    made = records.record_allergy(patient, "procaine", "rash", Actor(str(staff_id), "N", "nurse"))
    server.sign_in(page, "nurse", "clinic-b")
    page.goto(f"{server.url}/to-sign?at={made.position}")
    form = sign_form(page, made.version)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Authenticator code").fill("000000")
    form.get_by_role("button", name="Sign").click()
    form = sign_form(page, made.version)
    expect(form.get_by_label("Authenticator code")).to_have_attribute("aria-invalid", "true")
    assert records.patient(patient).signature_list() == []
    server.clock.advance(seconds=30)  # a code is taken once
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Authenticator code").fill(
        pyotp.TOTP(nurse["totp_secret"]).at(server.clock())
    )
    form.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("status")).to_contain_text("Signed")
    assert [s.meaning for s in records.patient(patient).signature_list()] == ["authorship"]
