"""The harness itself: Debian's Chromium starts, and axe-core finds what it must find."""

from tests.browser import axe_violations

CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head>
<body><main><h1>Patients</h1><label for="q">Search patients</label><input id="q"></main>
</body></html>"""
UNLABELLED = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Patients</h1><input id="q"><img src="data:,"></main></body></html>"""


def test_axe_catches_an_unlabelled_field_and_an_image_without_text(page, axe_script):
    page.set_content(UNLABELLED)
    found = {v["id"] for v in axe_violations(page, axe_script)}
    assert {"label", "image-alt"} <= found


def test_axe_passes_a_labelled_page(page, axe_script):
    page.set_content(CLEAN)
    assert axe_violations(page, axe_script) == []
