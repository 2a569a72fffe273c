"""Browser tests share one Chromium (session scope) and install axe-core once."""

from tests.browser import axe_script, browser, page  # noqa: F401  (pytest fixtures)
