"""The committees' pages in a real browser: the public list and one committee's page on a
phone and a desktop (French, names and kinds but no contact, no horizontal scroll, no WCAG
violation axe can find), and an editor running a meeting: agenda, a voted decision, an action
item; a vote with more ballots than voting members is refused in French and nothing is saved."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.testing import migrated_database
from plugins.committees.demo import PEOPLE
from plugins.committees.models import ActionItem, Committee, Decision, Meeting
from tests.browser.conftest import click_and_wait, serve
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser
PLUGINS = ["budget", "committees"]
EMAIL, PASSWORD = "secretaire@ivry.example", "un mot de passe assez long"
SHOTS = Path(os.environ.get("BRIDGE_SCREENSHOTS") or "var/screenshots")
SLUG = "vegetaliser-la-ville"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = migrated_database("sqlite", tmp_path_factory.mktemp("committees"), PLUGINS)
    sessions = make_sessionmaker(make_engine(url))
    PluginHost(PLUGINS, sessions=sessions, settings=Settings(database_url=url)).call("seed_demo")
    with sessions() as session:
        create_user(session, EMAIL, "editor", PASSWORD)
        session.commit()
    settings = Settings(database_url=url, plugins={"enabled": PLUGINS}, cookie_secure=False)
    base, stop = serve(create_app(settings))
    yield base, sessions
    stop()


def fits(page) -> None:
    assert page.get_attribute("html", "lang") == "fr"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert sorted({i for i in ids if ids.count(i) > 1}) == []  # a label names one control
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_the_public_committees_read_on_a_phone_and_a_desktop(browser, site, width):
    base, _ = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{base}/committees/")
    fits(page)
    page.screenshot(path=str(SHOTS / f"public-committees-{width}.png"), full_page=True)
    link = page.get_by_role("link", name="Comité de suivi «\u202fVégétaliser la ville\u202f»")
    link.click()
    page.wait_for_url(f"{base}/committees/{SLUG}")
    fits(page)
    page.screenshot(path=str(SHOTS / f"public-committee-{width}.png"), full_page=True)
    text = page.locator("main").inner_text()
    assert "Végétaliser la ville" in text
    assert any(name in text for name, *_ in PEOPLE)  # its members by name
    assert any(kind in text for kind in ("élu", "habitant", "association"))  # and by kind
    html = page.content()
    for _name, _kind, _organisation, email in PEOPLE:
        assert not email or email not in html  # never a contact
    assert "@" not in text
    page.close()


def test_an_editor_runs_a_meeting_and_a_wrong_vote_is_refused(browser, site):
    base, sessions = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page.get_by_role("button", name="Se connecter"))
    click_and_wait(page.get_by_role("link", name="Comités de suivi").first)
    click_and_wait(
        page.get_by_role("link", name="Comité de suivi «\u202fVégétaliser la ville\u202f»")
    )
    fits(page)

    day = date.today() + timedelta(days=14)
    page.locator("#meeting-title").fill("Réunion d’hiver")
    page.locator("#meeting-date").fill(day.isoformat())
    page.locator("#meeting-start").fill("18:30")
    page.locator("#meeting-end").fill("20:00")
    page.locator("#meeting-place").fill("Mairie, salle Robespierre")
    click_and_wait(page.get_by_role("button", name="Créer la réunion"))
    assert page.locator("h1").inner_text().startswith("Réunion d’hiver")
    fits(page)

    page.locator("#agenda-title").fill("Plantations de l’hiver")
    click_and_wait(page.get_by_role("button", name="Ajouter à l’ordre du jour"))
    assert "Plantations de l’hiver" in page.locator("#agenda").inner_text()

    def decide(votes_for: str) -> None:
        page.locator("#decisions-text").fill("Planter 30 arbres rue Marat")
        page.locator("#decisions-agenda_item").select_option(label="Plantations de l’hiver")
        page.locator("#decisions-voted").check()
        page.locator("#decisions-votes_for").fill(votes_for)
        page.locator("#decisions-votes_against").fill("0")
        page.locator("#decisions-votes_abstain").fill("0")
        click_and_wait(page.get_by_role("button", name="Enregistrer la décision"))

    decide("99")
    refusal = page.locator("#decisions-votes_for-error").inner_text()
    assert "99 voix pour" in refusal and "membres votants" in refusal
    assert page.locator("#decisions-votes_for").get_attribute("aria-invalid") == "true"
    fits(page)
    with sessions() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title == "Réunion d’hiver"))
        assert meeting is not None
        assert (
            session.scalar(select(func.count(Decision.id)).where(Decision.meeting_id == meeting.id))
            == 0
        )
    page.screenshot(path=str(SHOTS / "admin-committee-meeting-refused-1280.png"), full_page=True)

    decide("2")
    assert "Planter 30 arbres rue Marat" in page.locator("#decisions").inner_text()
    assert "2 pour" in page.locator("#decisions").inner_text()

    click_and_wait(
        page.get_by_role("link", name="Comité de suivi «\u202fVégétaliser la ville\u202f»").first
    )
    page.locator("#action-title").fill("Commander les arbres")
    page.locator("#action-decision").select_option(index=1)
    click_and_wait(page.get_by_role("button", name="Créer l’action"))
    fits(page)
    page.screenshot(path=str(SHOTS / "admin-committee-1280.png"), full_page=True)
    click_and_wait(page.get_by_role("link", name="Commander les arbres").first)
    assert page.locator("h1").inner_text().startswith("Commander les arbres")
    fits(page)
    with sessions() as session:
        committee = session.scalar(select(Committee).where(Committee.slug == SLUG))
        item = session.scalar(select(ActionItem).where(ActionItem.title == "Commander les arbres"))
        assert committee is not None and item is not None
        assert item.committee_id == committee.id and item.decision_id is not None
    page.close()


def test_the_attendance_is_taken_on_a_phone_without_scrolling_sideways(browser, site):
    """At 390 px the attendance table (a member a row, a radio button per status) fits the
    screen: neither the page nor the table scrolls sideways, and axe finds nothing."""
    base, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/admin/**")
    page.goto(f"{base}/admin/committees/")
    # not wait_for_url("…/admin/committees/*"): the list's own address matches it
    click_and_wait(
        page.get_by_role("link", name="Comité de suivi «\u202fVégétaliser la ville\u202f»")
    )
    page.locator("#meetings a").first.click()
    page.wait_for_url(f"{base}/admin/committees/meetings/*")
    table = page.locator("#attendance")
    assert table.locator("tbody tr").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    right = table.evaluate("t => t.getBoundingClientRect().right")
    assert right <= 390, right
    scrolled = page.evaluate(
        "[...document.querySelectorAll('main *:not(input, textarea, select)')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1"
        " && getComputedStyle(e).overflowX !== 'visible')"
        ".map(e => e.id || e.className || e.tagName)"
    )  # nothing scrolls inside the page either (a .table-wrap would)
    assert scrolled == []
    first = table.locator("tbody tr").first
    first.locator("input[type=radio]").nth(1).check()
    # not wait_for_load_state(): the page still shown has loaded, and has the box ticked
    click_and_wait(page.get_by_role("button", name="Enregistrer les présences"))
    assert page.locator("#attendance tbody tr").first.locator("input").nth(1).is_checked()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "admin-committee-attendance-390.png"), full_page=True)
    page.close()
