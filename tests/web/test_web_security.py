"""Attacks and mistakes a browser makes possible, refused: a form posted from another site,
a form without its CSRF token, a session left idle, the back button after sign-out, a
receptionist opening a chart, another clinic's patient."""

from playwright.sync_api import expect

from projections.sign_in_log import SignInFilter, SignInLog
from tests.browser import assert_accessible
from tests.web.steps import register

EVIL = "http://evil.test/"
SAFETY_PAGES = ("/signals", "/recalls", "/recalls/exposures?product=p&lot=l", "/outcomes")


def registered_patient(page, server, mrn: str) -> str:
    server.sign_in(page, "clinician")
    register(page, server, mrn, "Clara Weiss")
    patient_url = page.url
    page.context.clear_cookies()
    return patient_url


def test_every_page_carries_a_strict_content_security_policy(page, server):
    response = page.goto(server.url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["cache-control"] == "no-store"


def test_a_form_posted_from_another_site_is_refused_and_records_nothing(page, server):
    server.sign_in(page, "receptionist")
    page.goto(server.url + "/patients")  # the browser holds a live session and CSRF cookie
    page.route(
        EVIL,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f"""
        <form method="post" action="{server.url}/patients">
          <input name="mrn" value="EVIL-1"><input name="name" value="Mallory">
          <input name="date_of_birth" value="1980-01-01"><input name="sex" value="female">
          <button>Win a prize</button></form>""",
        ),
    )
    page.goto(EVIL)
    before = server.log_position()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Win a prize").click()
    assert posted.value.status == 403
    assert server.log_position() == before


def test_a_form_without_its_csrf_token_is_refused_and_records_nothing(page, server):
    server.sign_in(page, "receptionist")
    page.goto(server.url + "/patients")
    before = server.log_position()
    answer = page.request.post(
        server.url + "/patients",
        form={"mrn": "CSRF-1", "name": "No Token", "date_of_birth": "1980-01-01", "sex": "male"},
    )
    assert answer.status == 403 and "form has expired" in answer.text()
    assert server.log_position() == before


def test_an_idle_session_ends_after_fifteen_minutes(page, server):
    server.sign_in(page, "receptionist")
    page.goto(server.url + "/patients")
    server.clock.advance(minutes=14)
    page.goto(server.url + "/patients")  # activity renews the session
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    server.clock.advance(minutes=16)
    page.goto(server.url + "/patients")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("15 minutes without activity")
    server.services.wait_for_log()
    with server.services.views.transaction(write=False) as tx:
        logged = SignInLog.page(tx, SignInFilter(None, None, "idle_timeout", None, None), 0, 10)
    assert logged, "the idle timeout is in the sign-in log"


def test_back_button_after_sign_out_shows_no_patient_data(page, server):
    server.sign_in(page, "clinician")
    register(page, server, "BACK-1", "Ottilie Backbutton")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ottilie Backbutton")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "Ottilie" not in page.content()


def test_receptionist_opens_no_clinical_page(page, server, axe_script):
    patient_url = registered_patient(page, server, "RCP-1")
    server.sign_in(page, "receptionist")
    response = page.goto(patient_url)
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not permitted")).to_be_visible()
    assert "Clara Weiss" not in page.content()
    assert_accessible(page, axe_script)
    for clinical in (patient_url + "/entries", *(server.url + p for p in SAFETY_PAGES)):
        assert page.request.get(clinical).status == 403, clinical
    expect(page.get_by_role("link", name="Signals")).to_have_count(0)


def test_another_clinics_patient_is_not_found(page, server):
    patient_url = registered_patient(page, server, "OTH-1")
    server.sign_in(page, "clinician", clinic="clinic-b")
    response = page.goto(patient_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert "Clara Weiss" not in page.content()
    page.goto(server.url + "/patients?q=Clara")
    expect(page.get_by_text("No patient found.")).to_be_visible()
