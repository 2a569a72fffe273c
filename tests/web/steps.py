"""What a person does in the web app, step by step, located by label and role."""

from __future__ import annotations

from playwright.sync_api import expect

SIGNED_FORM = b"%PDF-1.4\n% a signed treatment consent form\n%%EOF\n"


def register(page, server, mrn: str, name: str, born: str = "1985-03-14") -> str:
    page.goto(server.url + "/patients")
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("MRN").fill(mrn)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Register").click()
    path = page.url.split("?")[0].removesuffix("/consents")
    return path.split("/")[-1]


def record_consent(page, server, patient_id: str, signed_at: str) -> None:
    page.goto(f"{server.url}/patients/{patient_id}/consents")
    page.get_by_label("Scope").select_option("treatment")
    page.get_by_label("Form version").fill("TC-2026-1")
    page.get_by_label("Signed at (UTC)").fill(signed_at)
    page.get_by_label("Signed form (PDF, PNG or JPEG)").set_input_files(
        {"name": "consent.pdf", "mimeType": "application/pdf", "buffer": SIGNED_FORM}
    )
    page.get_by_role("button", name="Record consent").click()


def screen(page, server, patient_id: str) -> None:
    page.goto(f"{server.url}/patients/{patient_id}/screening")
    page.get_by_label("Cellulite").check()
    for answers in page.get_by_role("radiogroup").all():
        answers.get_by_label("No").check()
    page.get_by_label("Fitzpatrick skin type").select_option("III")
    page.get_by_role("button", name="Record screening").click()


def plan_on_body_map(page, server, patient_id: str) -> str:
    page.goto(f"{server.url}/patients/{patient_id}")
    page.get_by_role("link", name="Plan a course").click()
    for side in ("left", "right"):  # by keyboard: Tab to the region, Enter
        page.get_by_role("link", name=f"Thighs, lateral, {side} side — not picked").focus()
        page.keyboard.press("Enter")
    expect(page.get_by_label("thighs, lateral — bilateral")).to_be_checked()
    page.get_by_label("Indication").select_option("cellulite")
    page.get_by_label("Sessions planned").fill("6")
    page.get_by_label("Days between sessions").fill("14")
    page.get_by_role("button", name="Plan course").click()
    return page.url.split("?")[0].split("/")[-1]


def ingredient(page, number: int, substance, category, amount, product, lot) -> None:
    group = page.get_by_role("group", name=f"Ingredient {number}")
    group.get_by_label("Substance").fill(substance)
    group.get_by_label("Category").select_option(category)
    group.get_by_label("Amount").fill(amount)
    group.get_by_label("Unit").select_option("mg")
    group.get_by_label("Product").fill(product)
    group.get_by_label("Lot").fill(lot)
    group.get_by_label("Expiry").fill("2030-01-31")


def fill_mix(page) -> None:
    if page.get_by_role("group", name="Ingredient 1").is_hidden():
        page.get_by_text("New mix version").click()
    ingredient(page, 1, "caffeine", "other", "100", "caffeine 2%", "CAF-001")
    ingredient(page, 2, "l-carnitine", "amino_acid", "250", "l-carnitine 5%", "CAR-002")
    page.get_by_label("Total volume (mL)").fill("5")


def inject(page, site: str, volume: str = "2", supervisor: str | None = None) -> None:
    page.get_by_label("Area and side").select_option(site)
    page.get_by_label("Technique (depth range)").select_option("nappage")
    page.get_by_label("Depth (mm)").fill("3")
    page.get_by_label("Points").fill("20")
    page.get_by_label("Volume (mL)", exact=True).fill(volume)
    page.get_by_label("CAF-001", exact=True).check()
    if supervisor:
        page.get_by_label("Supervising clinician").fill(supervisor)
    page.get_by_role("button", name="Record injection").click()


def outcome(page, score: str, kind: str, session: str) -> None:
    page.get_by_label("Area", exact=True).select_option("thighs.lateral:bilateral")
    page.get_by_label("Scale").select_option("hexsel_csss")
    page.get_by_label("Score").fill(score)
    page.get_by_label("Kind", exact=True).select_option(kind)
    page.get_by_label("After session (0 for baseline)").fill(session)
    page.get_by_role("button", name="Record outcome").click()


def add_staff(page, server, name: str, email: str, role: str, password: str) -> None:
    """The admin opens an account on the Staff page; it shows in the accounts table."""
    page.goto(server.url + "/staff")
    page.get_by_label("Printed name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Role", exact=True).select_option(role)
    page.get_by_label("First password (12 characters or more)").fill(password)
    page.get_by_role("button", name="Add staff member").click()
    expect(page.get_by_role("cell", name=email)).to_be_visible()
