"""The budget's public page in a real browser: French first, English a click away, readable
on a phone, charts with text alternatives, nothing loaded from elsewhere."""

from __future__ import annotations

import pytest

from bridge.app import create_app
from bridge.config import Settings
from tests.browser.conftest import serve
from tests.budget.demo_data import demo_budget_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("browser"))
    base, stop = serve(create_app(Settings(database_url=url)))
    yield base
    stop()


def test_public_page_french_then_english_by_keyboard(browser, site):
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}/budget/")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text() == "Budget de suivi"
    assert "700 000,00 €" in page.locator("table").first.inner_text().replace(
        "\u202f", " "
    ).replace("\u00a0", " ")
    headers = page.locator("thead th")
    assert all(headers.nth(i).get_attribute("scope") == "col" for i in range(headers.count()))
    charts = page.locator("svg[role=img]")
    assert charts.count() == 6  # envelopes, theme, neighbourhood, over time, paid by group x2
    assert all(charts.nth(i).get_attribute("aria-label") for i in range(6))
    assert all(r.startswith(site) for r in requests)  # no CDN, no external service

    page.keyboard.press("Tab")  # the language link is the first thing a keyboard reaches
    assert page.evaluate("document.activeElement.textContent") == "English"
    page.keyboard.press("Enter")
    page.wait_for_url("**lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Follow-up budget"
    page.close()


def test_public_page_fits_a_phone(browser, site, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{site}/budget/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    page.screenshot(path=str(tmp_path / "phone.png"))
    page.close()
