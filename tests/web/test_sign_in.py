"""Signing in at / as a person does: e-mail and password, then the authenticator's code
when the account has a second factor; refusals on the page and in the sign-in log."""

import pyotp
from playwright.sync_api import expect

from projections.sign_in_log import SignInFilter, SignInLog
from tests.browser import assert_accessible
from tests.web import steps
from tests.web.server import PASSWORD


def sign_in_log(server, outcome: str) -> list[dict]:
    server.services.wait_for_log()
    with server.services.views.transaction(write=False) as tx:
        return [
            e for e in SignInLog.page(tx, SignInFilter(None, None, outcome, None, None), 0, 1000)
        ]


def test_a_clinician_signs_in_with_email_and_password(page, server, axe_script):
    email = server.account("clinician")["email"]
    page.goto(server.url + "/")
    assert_accessible(page, axe_script)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Dr Maria Rossi · clinician")
    cookie = next(c for c in page.context.cookies() if c["name"] == "mesoledger_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_a_wrong_password_is_refused_on_the_page_and_logged(page, server):
    email = server.account("receptionist")["email"]
    before = len(sign_in_log(server, "failed"))
    page.goto(server.url + "/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("e-mail or password is wrong")
    assert not any(c["name"] == "mesoledger_session" for c in page.context.cookies())
    assert len(sign_in_log(server, "failed")) == before + 1


def test_an_admin_signs_in_with_the_second_factor_step(page, server, axe_script):
    admin = server.account("admin")
    page.goto(server.url + "/")
    page.get_by_label("Email").fill(admin["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Password accepted")).to_be_visible()
    assert PASSWORD not in page.content()  # carried sealed, never shown
    assert_accessible(page, axe_script)
    page.get_by_label("Code").fill(pyotp.TOTP(admin["totp_secret"]).at(server.clock()))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text("Paulo Admin · admin")


def test_signing_out_ends_the_session_on_the_server(page, server):
    server.sign_in(page, "nurse")
    page.goto(server.url + "/patients")
    cookie = next(c for c in page.context.cookies() if c["name"] == "mesoledger_session")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.context.add_cookies([cookie])  # a copy of the old cookie opens nothing
    page.goto(server.url + "/patients")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert sign_in_log(server, "signed_out")


def test_an_admin_adds_a_nurse_then_deactivates_her_and_her_session_ends(
    page, server, browser, axe_script
):
    server.sign_in(page, "admin")
    steps.add_staff(
        page, server, "Nurse Joana Reis", "joana@clinic-a.example.org", "nurse", PASSWORD
    )
    assert_accessible(page, axe_script)

    nurse = browser.new_context().new_page()
    nurse.goto(server.url + "/")
    nurse.get_by_label("Email").fill("joana@clinic-a.example.org")
    nurse.get_by_label("Password").fill(PASSWORD)
    nurse.get_by_role("button", name="Sign in").click()
    expect(nurse.get_by_role("heading", name="Patients")).to_be_visible()

    page.get_by_role("row", name="Nurse Joana Reis").get_by_text("Manage").click()
    page.get_by_label("Reason to deactivate Nurse Joana Reis").fill("left the clinic")
    page.get_by_role("row", name="Nurse Joana Reis").get_by_role(
        "button", name="Deactivate"
    ).click()
    expect(page.get_by_role("row", name="Nurse Joana Reis")).to_contain_text("deactivated")
    nurse.goto(server.url + "/patients")
    expect(nurse.get_by_role("heading", name="Sign in")).to_be_visible()
    nurse.context.close()


def test_an_admin_changes_roles_and_an_admin_role_without_a_second_factor_is_refused(
    page, server, axe_script
):
    server.sign_in(page, "admin")
    steps.add_staff(page, server, "Nurse Rui Matos", "rui@clinic-a.example.org", "nurse", PASSWORD)
    row = page.get_by_role("row", name="Nurse Rui Matos")

    row.get_by_text("Manage").click()
    row.get_by_label("Role to grant Nurse Rui Matos").select_option("admin")
    before = server.log_position()
    row.get_by_role("button", name="Grant role").click()
    expect(page.get_by_role("alert")).to_contain_text("second factor")
    assert server.log_position() == before  # nothing recorded
    expect(row.get_by_role("cell").nth(2)).to_have_text("nurse")

    row.get_by_text("Manage").click()
    row.get_by_label("Role to grant Nurse Rui Matos").select_option("clinician")
    row.get_by_role("button", name="Grant role").click()
    expect(row.get_by_role("cell").nth(2)).to_have_text("nurse, clinician")
    row.get_by_text("Manage").click()
    row.get_by_label("Role to take from Nurse Rui Matos").select_option("nurse")
    row.get_by_label("Why Nurse Rui Matos loses it").fill("qualified as a physician")
    row.get_by_role("button", name="Take role away").click()
    expect(row.get_by_role("cell").nth(2)).to_have_text("clinician")
    assert_accessible(page, axe_script)


def test_an_admin_opens_no_patient_page(page, server):
    server.sign_in(page, "admin")
    assert page.goto(server.url + "/patients").status == 403
    expect(page.get_by_role("heading", name="Not permitted")).to_be_visible()
