"""The public site in a real browser, as a resident on a phone: from the list of cities to a
process and its figures, French first and English a click away, by keyboard too; no script,
nothing loaded from elsewhere, no horizontal scrolling at 375px."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Project, Space
from tests.browser.conftest import click_and_wait, serve
from tests.budget.demo_data import demo_budget_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("public"))
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        budget_process = session.scalar(
            select(Space)
            .join(Project, Project.space_id == Space.id)
            .where(Project.selected.is_(True), Project.removed_at.is_(None))
            .group_by(Space.id)
            .order_by(func.count().desc())
        )
        expected = {
            "id": budget_process.id,
            "fr": budget_process.title["fr"],
            "en": budget_process.title.get("en") or budget_process.title["fr"],
            "selected": session.scalar(
                select(func.count())
                .select_from(Project)
                .where(
                    Project.space_id == budget_process.id,
                    Project.selected.is_(True),
                    Project.removed_at.is_(None),
                )
            ),
        }
    engine.dispose()
    base, stop = serve(create_app(Settings(database_url=url, cookie_secure=False)))
    yield base, expected
    stop()


def test_a_resident_on_a_phone_finds_a_process_and_its_figures(browser, site):
    base, expected = site
    page = browser.new_page(viewport={"width": 375, "height": 740}, java_script_enabled=False)
    requests = []
    page.on("request", lambda r: requests.append(r.url))

    page.goto(f"{base}/")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text() == "Participation citoyenne"
    click_and_wait(page.get_by_role("link", name="Ville d'Ivry-sur-Seine"))
    assert page.locator("h1").inner_text() == "Ville d'Ivry-sur-Seine"
    assert page.get_by_role("heading", name="Processus participatifs").is_visible()
    assert page.locator("script").count() == 0

    card = page.locator(f'li[data-space="{expected["id"]}"]')
    assert re.search("à venir|en cours|terminé", card.locator(".status").inner_text())
    selected = card.locator('[data-figure="selected"] dd').inner_text()
    assert selected == str(expected["selected"])
    click_and_wait(card.get_by_role("link", name=expected["fr"]))

    assert page.locator("h1").inner_text() == expected["fr"]
    assert page.locator("ul.selected li").count() == expected["selected"]
    assert page.locator("ol.steps li[aria-current=step]").count() <= 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"

    click_and_wait(page.get_by_role("link", name="Budget de suivi"))  # a plugin's public page
    assert page.url.endswith("/budget/")
    assert all(r.startswith(base) for r in requests)  # no CDN, no external service
    page.close()


def test_english_a_click_away_by_keyboard(browser, site):
    base, expected = site
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(f"{base}/public/ivry/")
    # a keyboard reaches "skip to content", the city's home link, then the language link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "English"
    page.keyboard.press("Enter")
    page.wait_for_url("**lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("heading", name="Participatory processes").is_visible()
    click_and_wait(page.get_by_role("link", name=expected["en"]))
    assert "lang=en" in page.url  # links inside the site keep the language
    assert page.get_by_role("heading", name="Key figures").is_visible()
    assert page.get_by_role("heading", name="Steps").is_visible()
    click_and_wait(page.get_by_role("link", name="Follow-up budget"))
    assert page.locator("h1").inner_text() == "Follow-up budget"
    page.close()


def crumbs(page) -> list[tuple[str, str | None]]:
    """The breadcrumb trail: (label, link or None for the page itself)."""
    trail = page.locator("nav.breadcrumbs li")
    return [
        (
            item.inner_text(),
            item.locator("a").get_attribute("href") if item.locator("a").count() else None,
        )
        for item in trail.all()
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_public_pages_have_breadcrumbs_back_to_home(browser, site, width):
    """Home › city › process › follow-up, as on the admin pages; each step a link but the page
    itself (aria-current), in the reader's language."""
    base, expected = site
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{base}/public/ivry/processes/{expected['id']}/suivi")
    trail = crumbs(page)
    assert [label for label, _ in trail] == [
        "Participation citoyenne",
        "Ville d'Ivry-sur-Seine",
        expected["fr"],
        "Suivi des engagements",
    ]
    assert trail[-1][1] is None and page.locator(".breadcrumbs [aria-current=page]").count() == 1
    # Each step is read on the page its click opens, not on the one still shown.
    click_and_wait(page.get_by_role("link", name=expected["fr"], exact=True).first)
    assert [label for label, _ in crumbs(page)][-1] == expected["fr"]
    click_and_wait(page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link").nth(1))
    assert page.locator("h1").inner_text() == "Ville d'Ivry-sur-Seine"
    click_and_wait(page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link").first)
    assert page.locator("h1").inner_text() == "Participation citoyenne"
    assert page.locator(".breadcrumbs").count() == 0  # the home page is the top
    page.goto(f"{base}/budget/?lang=en")
    assert crumbs(page) == [
        ("Citizen participation", "/public/?lang=en"),
        ("Follow-up budget", None),
    ]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.close()


def test_every_follow_up_page_fits_a_phone(browser, site):
    """A long neighbourhood badge ("Quartier : Louis-Bertrand / Mirabeau-Sémard") made the
    follow-up page 47 px wider than a 375 px phone: badges of a result's theme and place wrap."""
    base, _ = site
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(f"{base}/public/ivry/")
    links = page.locator("li[data-space] h3 a, li[data-space] a").evaluate_all(
        "links => [...new Set(links.map(a => a.getAttribute('href').split('?')[0]))]"
    )
    processes = [href for href in links if re.search(r"/processes/\d+$", href)]
    assert processes
    for href in processes:
        page.goto(f"{base}{href}/suivi")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{href}/suivi is {overflow}px wider than the phone"
    page.close()


def test_unknown_city_is_not_found(browser, site):
    base, _ = site
    page = browser.new_page()
    assert page.goto(f"{base}/public/nowhere/").status == 404
    page.close()
