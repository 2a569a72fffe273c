"""A new store: `mesoledger serve` prints a one-time link that sets up the first admin, who
then signs in with the second factor; the link works once, and a store with staff prints
none."""

import os
import signal
import subprocess

import pyotp
from playwright.sync_api import expect

from api.web.first_admin import link_for_a_new_store
from tests.api.test_server import MESOLEDGER, free_port, wait_until_up
from tests.browser import assert_accessible
from tests.web.server import PASSWORD


def test_serve_on_a_new_store_links_to_setting_up_the_first_admin_once(page, tmp_path, axe_script):
    port = free_port()
    env = os.environ | {
        "MESOLEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/new.db",
        "MESOLEDGER_VAR_DIR": str(tmp_path / "var"),
        "MESOLEDGER_SIGNING_KEY_PATH": str(tmp_path / "var" / "signing.key"),
        "MESOLEDGER_PASSWORD_HASH_TIME_COST": "1",
        "MESOLEDGER_PASSWORD_HASH_MEMORY_KIB": "1024",
    }
    process = subprocess.Popen(
        [MESOLEDGER, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        link = next(line.strip() for line in process.stdout if "/setup?invite=" in line)
        wait_until_up(f"http://127.0.0.1:{port}", process)
        page.goto(link)
        assert_accessible(page, axe_script)
        page.get_by_label("Clinic").fill("clinic-new")
        page.get_by_label("Printed name").fill("Marta Admin")
        page.get_by_label("E-mail").fill("marta@clinic-new.example.org")
        page.get_by_label("Password (12 characters or more)").fill(PASSWORD)
        page.get_by_role("button", name="Create admin").click()
        secret = page.locator("code.secret").inner_text()

        assert page.goto(link).status == 404  # spent
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_label("Email").fill("marta@clinic-new.example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()
        expect(page.get_by_role("cell", name="marta@clinic-new.example.org")).to_be_visible()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        process.stdout.close()


def test_a_store_with_staff_gets_no_set_up_link(server):
    server.account("nurse")
    assert link_for_a_new_store(server.services, server.url) is None
