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
    assert charts.count() == 3  # over time, paid by theme and by neighbourhood
    assert all(charts.nth(i).get_attribute("aria-label") for i in range(3))
    assert page.locator("ul.bars").count() == 3  # envelopes, theme, neighbourhood
    assert all(r.startswith(site) for r in requests)  # no CDN, no external service
    for name in ("Enveloppes (CSV", "Grand livre (XLSX", "Enveloppes et contrats (OCDS"):
        assert page.get_by_role("link", name=name).is_visible()

    for _ in range(4):  # the skip link, the city, then the language link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "English":
            break
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
    # chart words keep a readable size and are not cut (they shrank to 6 px, and were cut)
    sizes = page.eval_on_selector_all(
        ".chart .bar-label, .chart .bar-figures, .chart-axis span, ul.series li",
        "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))",
    )
    assert sizes and min(sizes) >= 12
    cut = page.eval_on_selector_all(
        ".bar-label", "nodes => nodes.filter(n => n.scrollWidth > n.clientWidth).length"
    )
    assert cut == 0
    # a table's names keep a readable column (they were squeezed one letter a line)
    name = page.eval_on_selector("table.money-table td", "n => n.getBoundingClientRect().width")
    assert name >= 150
    assert "mars 2022" in page.locator(".chart-axis").first.inner_text()  # months in French
    page.screenshot(path=str(tmp_path / "phone.png"))
    page.close()
