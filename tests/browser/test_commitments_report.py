"""The progress report of the demo in a real browser, in French: the follow-up budget's
700 000 € and what the committees' actions hold of it, the same figures as the budget's own
API, written with narrow no-break spaces in the thousands and before the colon; no amount
"unknown"; readable on a phone; no WCAG violation axe can find."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bridge import formatting
from bridge.app import create_app
from bridge.config import Settings
from tests.browser.conftest import serve
from tests.browser.test_accessibility import axe_violations
from tests.budget.demo_data import demo_budget_database

pytestmark = pytest.mark.browser
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("report"))
    base, stop = serve(create_app(Settings(database_url=url, cookie_secure=False)))
    yield base
    stop()


def _french(amount: str) -> str:
    return formatting.cents(int(Decimal(amount) * 100), "fr")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_report_shows_the_budgets_money_in_french(browser, site, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    envelopes = page.request.get(f"{site}/api/v1/budget/envelopes").json()["items"]
    follow_up = next(e for e in envelopes if e["amount"] == "700000.00")
    page.goto(f"{site}/public/engagements/bilan")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text() == "Bilan d’avancement des priorités votées"
    text = page.locator("main").inner_text()
    assert "inconnus" not in text
    allocated, committed, paid = (_french(follow_up[k]) for k in ("allocated", "committed", "paid"))
    budget = page.locator("ul.report-budgets li").inner_text()
    assert budget == (
        f"{follow_up['name']} (700{NNBSP}000{NBSP}€){NNBSP}: {allocated} alloués à ces actions, "
        f"{committed} engagés, {paid} mandatés"
    )
    assert f"Alloué {allocated}, engagé {committed}, mandaté {paid}" in text
    assert allocated == f"625{NNBSP}000{NBSP}€"
    priorities = page.locator("section.report-priority h2")
    assert priorities.all_inner_texts() == [
        "Développer le vélo et la marche dans tous les quartiers",
        "Végétaliser la ville et créer des îlots de fraîcheur",
    ]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
    page.close()
