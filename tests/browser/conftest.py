"""A real headless chromium (Debian's, at /usr/bin/chromium) driven by Playwright, and the app
served on a free local port."""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING

import pytest
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from playwright.sync_api import Locator

CHROMIUM = "/usr/bin/chromium"


class FrenchBrowser:
    """The browser of a French resident: Accept-Language fr-FR unless a test gives another
    `locale` (with no explicit choice, the bridge follows the browser's language, and
    Chromium's own default is en-US)."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **options):
        options.setdefault("locale", "fr-FR")
        return self._browser.new_context(**options)

    def new_page(self, **options):
        options.setdefault("locale", "fr-FR")
        return self._browser.new_page(**options)

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs it as root on Debian")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield FrenchBrowser(browser)
        browser.close()


def click_and_wait(target: Locator) -> None:
    """Click a link or a form's button and return once the page it opens has loaded.

    Playwright's click returns before that: at best once the new page has begun to arrive, and
    a count, a list of rows or a checkbox read next (those do not wait) comes from half a page,
    or from the page still shown (a CI run read an empty breadcrumb trail so). Only for clicks
    that open a page: a <summary> or a download would wait here until the timeout."""
    with target.page.expect_navigation():
        target.click()


def _halting(app, seconds: float):
    """The app sending each answer in two halves, `seconds` apart, as a loaded machine may: a
    click returns once the new page has begun to arrive, so a test that reads it without waiting
    for its load reads half a page every time, not once in a hundred CI runs."""

    def halting(environ, start_response):
        answer = app(environ, start_response)
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        half = len(body) // 2
        yield body[:half]
        time.sleep(seconds)
        yield body[half:]

    return halting


def serve(app) -> tuple[str, callable]:
    """The app on a free local port. BRIDGE_BROWSER_HALT_MS=300 pauses every answer halfway (see
    `_halting`): how to check that a browser test reads only pages that have loaded."""
    halt_ms = int(os.environ.get("BRIDGE_BROWSER_HALT_MS") or 0)
    if halt_ms:
        app = _halting(app, halt_ms / 1000)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.port}", server.shutdown
