"""The budget's public page in a real browser: French first, English a click away, readable
on a phone, charts with text alternatives, nothing loaded from elsewhere."""

from __future__ import annotations

import pytest

from bridge.app import create_app
from bridge.config import Settings
from plugins.budget import charts as charts_module
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
    figures = page.locator("table").first.inner_text()
    assert "€700,000.00" in figures and "\u00a0€" not in figures  # English amounts in English
    assert "€200,000" in page.locator("svg.line-chart").first.text_content()  # its axis too
    page.close()


def test_public_page_fits_a_phone(browser, site, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{site}/budget/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    # chart words keep a readable size and are not cut (they shrank to 6 px, and were cut)
    sizes = page.eval_on_selector_all(
        ".chart .bar-label, .chart .bar-figures, ul.series li",
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
    page.screenshot(path=str(tmp_path / "phone.png"))
    page.close()


# Every label drawn in a line chart, as the browser laid it out: text, box, and the chart's box.
DRAWN_LABELS = """svg => [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect(), c = svg.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            height: r.height, inside: r.left >= c.left - 1 && r.right <= c.right + 1};
}).filter(label => label.height > 0)"""


@pytest.mark.parametrize("width", [375, 1280])
def test_line_charts_have_axes_whose_labels_fit_and_never_overlap(browser, site, width):
    """An amount axis in French euros, regular French months thinned on a phone, every label at
    least 12 px high, inside its chart, none over another (they shrank to 6 px, or were cut)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site}/budget/")
    charts = page.locator("svg.line-chart")
    assert charts.count() == 3
    for i in range(3):
        labels = charts.nth(i).evaluate(DRAWN_LABELS)
        words = [label["text"] for label in labels]
        assert "0\u00a0€" in words and any(w.endswith("000\u00a0€") for w in words), words
        months = [w for w in words if w.rstrip(".") in FRENCH_MONTHS]
        assert len(months) >= 2, words
        if width < 640:  # thinned on a phone by the stylesheet (all fit side by side at 1280)
            assert len(months) <= charts_module.PHONE_LABELS, words
        assert min(label["height"] for label in labels) >= 12
        assert all(label["inside"] for label in labels), labels
        for j, a in enumerate(labels):
            for b in labels[j + 1 :]:
                apart = (
                    a["right"] <= b["left"] + 0.5
                    or b["right"] <= a["left"] + 0.5
                    or a["bottom"] <= b["top"] + 0.5
                    or b["bottom"] <= a["top"] + 0.5
                )
                assert apart, (a, b)
    page.close()


FRENCH_MONTHS = {"janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct"}
FRENCH_MONTHS |= {"nov", "déc"}
