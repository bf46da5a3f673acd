"""The pages as a city's staff and residents see them, in Debian's chromium: screenshots of the
main pages at 1280 and 375 px (written to $BRIDGE_SCREENSHOTS, default var/screenshots/, for a
reviewer to look at), the admin menu and sign-out on every admin page, the French error pages,
and the search, filters and paging of the proposals list and the change feed."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import select

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Component, Proposal, Space
from tests.browser.conftest import click_and_wait, serve
from tests.budget.demo_data import demo_budget_database

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "camille@ivry.example", "une longue phrase secrète"
SHOTS = Path(os.environ.get("BRIDGE_SCREENSHOTS") or "var/screenshots")

# (file name, path, signed in); {process}, {proposal}: ids from the demo data
PAGES = [
    ("public-home", "/", False),
    ("public-city", "/public/ivry/", False),
    ("public-process", "/public/ivry/processes/{process}", False),
    ("public-budget", "/budget/", False),
    ("sign-in", "/login", False),
    ("not-found", "/public/nowhere/", False),
    ("admin-instances", "/admin/", True),
    ("admin-instance", "/admin/instances/ivry", True),
    ("admin-proposals", "/admin/instances/ivry/proposals", True),
    ("admin-proposal", "/admin/proposals/{proposal}", True),
    ("admin-changes", "/admin/instances/ivry/changes", True),
    ("admin-process", "/admin/processes/{process}", True),
    ("admin-synced-spaces", "/admin/instances/ivry/processes", True),
    ("admin-audit", "/admin/audit", True),
    ("admin-users", "/admin/users", True),
    ("admin-tokens", "/admin/tokens", True),
    ("admin-plugins", "/admin/plugins", True),
    ("admin-budget", "/admin/budget/", True),
    ("account", "/account", True),
]
ADMIN_PAGES = [path for _, path, signed_in in PAGES if signed_in]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("design"))
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        create_user(session, EMAIL, "admin", PASSWORD, name="Camille")
        session.commit()
        ids = {
            "process": session.scalar(
                select(Space.id)
                .join(Component, Component.space_id == Space.id)
                .where(Space.space_type == "participatory_process")
                .order_by(Space.id)
            ),
            "proposal": session.scalar(select(Proposal.id).order_by(Proposal.id)),
        }
    app = create_app(
        Settings(
            database_url=url, secret_key="design", cookie_secure=False, city_name="Ivry-sur-Seine"
        )
    )
    crash = Blueprint("crash", __name__)

    @crash.get("/crash")
    def explode():
        raise RuntimeError("internal detail nobody should read")

    app.register_blueprint(crash)
    base, stop = serve(app)
    yield base, ids
    stop()


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots_of_the_main_pages(browser, site, width):
    base, ids = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    signed_in = False
    for name, path, needs_sign_in in sorted(PAGES, key=lambda p: p[2]):
        if needs_sign_in and not signed_in:
            sign_in(page, base)
            signed_in = True
        page.goto(base + path.format(**ids))
        assert page.locator(".site-header .city").inner_text() == "Ivry-sur-Seine"
        assert page.locator("footer.site-footer").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px screen"
        shot = SHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5000
    context.close()


def test_the_admin_menu_stays_and_sign_out_works_from_every_admin_page(browser, site):
    base, ids = site
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base)
    for path in ADMIN_PAGES:
        page.goto(base + path.format(**ids))
        menu = page.get_by_role("navigation", name="Menu d’administration")
        assert menu.is_visible(), path
        for label in ("Instances", "Budget de suivi", "Comptes"):
            assert menu.get_by_role("link", name=label, exact=True).is_visible(), (path, label)
        assert page.locator("#sign-out").is_visible(), path
        account = page.locator(".header-tools").get_by_role("link", name="Mon compte")
        assert account.is_visible(), path  # beside signing out, on every page
        current = page.locator(
            ".main-nav [aria-current=page]:visible, .header-tools [aria-current=page]:visible"
        )
        assert current.count() == 1, f"{path}: one entry of the menu (or the account's) is current"
    page.goto(f"{base}/admin/instances/ivry/proposals")
    page.locator("#sign-out").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.goto(f"{base}/admin/audit")
    assert "/login" in page.url  # signed out for good
    context.close()


def test_the_admin_menu_is_one_disclosure_line_on_a_phone(browser, site):
    """On a 375 px phone the menu took four lines above every page: it is a <details> that the
    keyboard opens, one line when closed; a wide screen shows the row of links, no toggle."""
    from tests.browser.test_accessibility import axe_violations

    base, _ = site
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    sign_in(page, base)
    page.goto(f"{base}/admin/instances/ivry")
    menu = page.get_by_role("navigation", name="Menu d’administration")
    toggle = menu.locator("summary")
    assert toggle.is_visible() and toggle.inner_text() == "Menu d’administration"
    assert menu.bounding_box()["height"] <= 50  # one line, not four
    middles = page.eval_on_selector_all(  # account, sign-out and language on one line
        ".header-tools > *",
        "items => items.map(i => i.getBoundingClientRect()).map(r => r.top + r.height / 2)",
    )
    assert len(middles) == 3 and max(middles) - min(middles) <= 4, middles
    links = menu.get_by_role("link")  # what a screen reader meets: one menu, closed
    assert links.count() == 0
    toggle.focus()
    page.keyboard.press("Enter")
    assert links.count() >= 6 and menu.get_by_role("link", name="Comptes").is_visible()
    current = menu.locator("[aria-current=page]:visible")
    assert current.count() == 1 and current.inner_text() == "Instances"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    found = axe_violations(page)
    assert not found, found
    menu.get_by_role("link", name="Comptes", exact=True).click()
    page.wait_for_url("**/admin/users")
    context.close()

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, base)
    menu = page.get_by_role("navigation", name="Menu d’administration")
    assert not menu.locator("summary").is_visible()
    assert menu.get_by_role("link", name="Comptes", exact=True).is_visible()
    assert menu.bounding_box()["height"] <= 50
    page.close()


def test_an_instances_settings_pages_lead_to_each_other_not_to_themselves(browser, site):
    """The line "ivry · Processus et espaces · Quartiers et thèmes" repeated the breadcrumbs and
    linked the page shown to itself: now a small navigation of the two pages, the one shown
    marked as current."""
    base, _ = site
    page = browser.new_page()
    sign_in(page, base)
    page.goto(f"{base}/admin/instances/ivry/mappings")
    tabs = page.get_by_role("navigation", name="ivry", exact=True)
    assert tabs.get_by_role("link").all_inner_texts() == ["Processus et espaces"]
    assert tabs.locator("[aria-current=page]").inner_text() == "Quartiers et thèmes"
    click_and_wait(tabs.get_by_role("link", name="Processus et espaces"))
    assert tabs.get_by_role("link").all_inner_texts() == ["Quartiers et thèmes"]
    page.close()


def test_filtering_the_budgets_allocations_shows_the_list_not_the_top(browser, site):
    """The list of allocations comes after the envelopes and four charts: a filter sent the
    reader back to the top of a long page (on a phone, 4 000 px above the list)."""
    base, _ = site
    page = browser.new_page(viewport={"width": 375, "height": 740})
    sign_in(page, base)
    page.goto(f"{base}/admin/budget/")
    page.select_option("#filter-status", "confirmed")
    page.get_by_role("search", name="Filtrer les allocations").get_by_role("button").click()
    page.wait_for_url(re.compile(r"status=confirmed"))
    top = page.locator("#allocations-title").bounding_box()["y"]
    assert 0 <= top < 740, top  # the list's title is on the screen
    page.close()


def test_links_drawn_as_buttons_line_up_with_buttons(browser, site):
    """« Modifier les réglages » (a link) sat 2 px higher than the buttons beside it."""
    base, _ = site
    page = browser.new_page()
    sign_in(page, base)
    page.goto(f"{base}/admin/instances/ivry")
    gaps = page.eval_on_selector_all(
        "main button, main a.button",
        """items => items.slice(0, 3).map(item => {
            const words = document.createRange();
            words.selectNodeContents(item);
            return Math.round(words.getBoundingClientRect().top - item.getBoundingClientRect().top);
        })""",
    )
    assert len(gaps) == 3 and len(set(gaps)) == 1, gaps
    page.close()


def test_error_pages_are_french_in_the_sites_frame(browser, site):
    base, _ = site
    page = browser.new_page()
    missing = page.goto(f"{base}/public/nowhere/")
    assert missing.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".site-header .city").inner_text() == "Ivry-sur-Seine"
    crashed = page.goto(f"{base}/crash")
    assert crashed.status == 500
    assert page.locator("h1").inner_text() == "Erreur du service"
    assert "internal detail" not in page.content() and "Traceback" not in page.content()
    page.goto(f"{base}/public/nowhere/?lang=en")
    assert page.locator("h1").inner_text() == "Page not found"
    page.close()


def test_the_proposals_list_is_searched_filtered_and_paged(browser, site):
    base, _ = site
    page = browser.new_page()
    sign_in(page, base)
    page.goto(f"{base}/admin/instances/ivry/proposals")
    count = page.locator("#count").inner_text()
    total = int(re.search(r"sur ([\d\u202f]+)", count).group(1).replace("\u202f", ""))
    assert count.startswith("Propositions 1 à 50 sur") and total > 100
    assert page.locator("tr.proposal").count() == 50
    click_and_wait(page.get_by_role("link", name="Page suivante"))
    assert page.locator("#count").inner_text().startswith("Propositions 51 à 100")
    assert "Page 2 sur" in page.locator(".pager").inner_text()

    page.fill("#q", "VÉLO")  # case and accents folded
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    titles = page.locator("tr.proposal td:first-child a").all_inner_texts()
    assert 0 < len(titles) < 50 and all("vélo" in t.lower() for t in titles)
    assert page.locator("#count").inner_text().startswith("Propositions 1 à")  # back to page 1

    page.fill("#q", "")
    page.select_option("#state", label="acceptée")
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    states = page.locator("tr.proposal .badge").all_inner_texts()
    assert states and set(states) == {"acceptée"}
    page.close()


def test_the_change_feed_is_searched_filtered_and_paged(browser, site):
    base, _ = site
    page = browser.new_page()
    sign_in(page, base)
    page.goto(f"{base}/admin/instances/ivry/changes")
    assert page.locator("tr.change").count() == 50
    page.select_option("#resource", label="projet")
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    kinds = {row.inner_text() for row in page.locator("tr.change td:nth-child(2)").all()}
    assert kinds == {"projet"}
    page.goto(f"{base}/admin/instances/ivry/changes")
    page.fill("#q", "VÉLO")  # a word of the changed records' titles, case and accents folded
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    found = page.locator("tr.change td:nth-child(3)").all_inner_texts()
    assert found and all("vélo" in cell.lower() for cell in found), found
    kinds = set(page.locator("tr.change td:nth-child(2)").all_inner_texts())
    assert len(kinds) > 1, kinds  # proposals and projects alike
    page.select_option("#resource", label="proposition")  # the search stays with a filter
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    assert page.input_value("#q") == "VÉLO"
    assert set(page.locator("tr.change td:nth-child(2)").all_inner_texts()) == {"proposition"}
    page.fill("#q", "projet")  # the kind of record, in French
    page.select_option("#resource", label="Tous")
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    assert set(page.locator("tr.change td:nth-child(2)").all_inner_texts()) == {"projet"}
    page.fill("#q", "proposition")
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    click_and_wait(page.get_by_role("link", name="Plus anciennes"))  # paging keeps the search
    assert "q=proposition" in page.url and page.input_value("#q") == "proposition"
    assert set(page.locator("tr.change td:nth-child(2)").all_inner_texts()) == {"proposition"}
    remote = page.locator("tr.change td:nth-child(3) small").first.inner_text().strip("()")
    page.fill("#q", remote)  # a Decidim id
    click_and_wait(page.get_by_role("button", name="Filtrer"))
    ids = page.locator("tr.change td:nth-child(3) small").all_inner_texts()
    assert ids and all(remote in i for i in ids), ids
    page.goto(f"{base}/admin/instances/ivry/changes?q=nothing+like+this")
    assert page.locator("tr.change").count() == 0
    page.goto(f"{base}/admin/instances/ivry/changes")
    first_page = page.locator("tr.change").first.inner_text()
    click_and_wait(page.get_by_role("link", name="Plus anciennes"))
    assert page.locator("tr.change").count() > 0
    assert page.locator("tr.change").first.inner_text() != first_page
    page.close()
