"""The browser harness: Debian's Chromium driven by Playwright, and axe-core from npm.

No browser is ever downloaded: Playwright launches /usr/bin/chromium (`.ci/run` installs it with
apt-get). Without it a laptop skips the browser tests; in CI (CI=true) they fail instead.

Its fixtures (`browser`, `page`, `axe_script`) are a plugin of the root conftest, so the
whole session shares the one Chromium (importing them into a module would make a second
session fixture, and a second Playwright, which Playwright refuses):

    def test_sign_in_page_has_labels(page, web_server):
        page.goto(web_server + "/")
        page.get_by_label("Email").fill(...)
        assert_accessible(page)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.one_at_a_time import one_at_a_time

CHROMIUM = Path(os.environ.get("MESOLEDGER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WEB_TOOLS = Path(__file__).parent / "web"  # package.json + package-lock.json (axe-core)
AXE_SCRIPT = WEB_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def _unavailable(reason: str) -> None:
    """Skip on a laptop without the tool; in CI a browser test must run, never skip."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


def launch_chromium(playwright):
    """Debian's Chromium, headless, talking to no host but the ones a test opens."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One Chromium for the whole test session (starting one costs about a second)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh context (its own cookies) and page per test."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _install_axe() -> Path:
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is missing (apt-get install -y npm)")
    with one_at_a_time(WEB_TOOLS):  # another test process may be installing it right now
        if not AXE_SCRIPT.exists():
            subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                cwd=WEB_TOOLS,
                check=True,
                capture_output=True,
                timeout=300,
            )
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's source, installed with `npm ci` from tests/web when node_modules is missing."""
    return _install_axe().read_text()


def axe_violations(page, axe_source: str) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now.

    The script is evaluated through the DevTools protocol, so a strict Content-Security-Policy
    on the page does not stop it (CSP governs the page's own scripts, not the tester's)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results["violations"]
        if v.get("impact") in SERIOUS
    ]


def assert_accessible(page, axe_source: str) -> None:
    violations = axe_violations(page, axe_source)
    assert not violations, f"{page.url}: {violations}"
