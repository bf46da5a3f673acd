"""A city's administrator sets up a follow-up committee from nothing, in French, in a real
browser, with the accountability results synced from the Decidim stand-in: a committee tied to
a voted priority, a member of each kind (one with contacts), their seats, a meeting with its
agenda, attendance and a voted decision, an action item linked to a synced result, the roll-up,
the public page (no contact), and one member's data exported then erased.

On the way, each refused form is shown again in French with what was typed and nothing saved;
every form page (committees, members, a member, a committee, a meeting, an action item, the
erasure) fits a phone (390 px) and a desktop (1280 px) with each checkbox beside its words,
passes axe, and is kept as a screenshot."""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Component, Result
from bridge.testing.clients import PASSWORD, create_people, email_for
from bridge.testing.stand_in import sync_stand_in
from plugins.committees.models import Committee, Decision, Member
from simulator.testing import running_simulator
from tests.browser.conftest import click_and_wait, serve
from tests.browser.test_accessibility import axe_violations
from tests.conftest import _database_url

pytestmark = pytest.mark.browser
PLUGINS = ["budget", "committees"]
SHOTS = Path(os.environ.get("BRIDGE_SCREENSHOTS") or "var/screenshots")
DAY = date.today() + timedelta(days=12)
CONTACT = {"email": "leila.haddad@exemple.org", "phone": "+33 6 98 76 54 32"}
ADDRESS = "8 rue Robespierre, 94200 Ivry-sur-Seine"
# name, kind (as the select says it), role, has a vote
PEOPLE = [
    ("Claire Dupont", "élu", "présidence", True),
    ("Marc Petit", "agent de la ville", "secrétariat", False),
    ("Leïla Haddad", "habitant", "membre", True),
    ("Vélo Ivry", "association", "membre", True),
    ("Bailleur Ivry Habitat", "partenaire institutionnel", "membre", False),
    ("Coopérative Énergie Val-de-Marne", "partenaire économique", "membre", False),
]

# Each checkbox's words start on its line, right of the box (the box sits in its label).
CHECKBOXES = """() => [...document.querySelectorAll('input[type=checkbox]')].map(box => {
  const label = document.querySelector(`label[for="${box.id}"]`);
  if (!label || !label.contains(box)) return {id: box.id, beside: false};
  const words = [...label.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
  const range = document.createRange();
  range.selectNodeContents(words);
  const text = range.getClientRects()[0], rect = box.getBoundingClientRect();
  const middle = rect.top + rect.height / 2;
  return {id: box.id, beside: text.left >= rect.right && middle > text.top && middle < text.bottom};
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = _database_url("sqlite", tmp_path_factory.mktemp("walk"))
    sessions = make_sessionmaker(make_engine(url))
    create_people(sessions)
    with running_simulator() as decidim:
        sync_stand_in(sessions, PluginHost(PLUGINS), decidim, "ivry")
    with sessions() as session:
        component = session.scalars(
            select(Component).where(Component.manifest == "Accountability").order_by(Component.id)
        ).first()
        leaf = session.scalars(
            select(Result)
            .where(Result.component_id == component.id, Result.parent_remote_id.is_not(None))
            .order_by(Result.id)
        ).first()
        keys = {"component": component.remote_id, "result": leaf.remote_id}
    settings = Settings(
        database_url=url, secret_key="w", cookie_secure=False, plugins={"enabled": PLUGINS}
    )
    base, stop = serve(create_app(settings))
    yield base, sessions, keys
    stop()


def checked_form_page(page, name: str) -> None:
    """French, no horizontal scroll, axe-clean, each checkbox beside its words: at 1280 px and
    390 px, with a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.get_attribute("html", "lang") == "fr"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert [b for b in page.evaluate(CHECKBOXES) if not b["beside"]] == [], (name, width)
        assert axe_violations(page) == [], (name, width)
        page.screenshot(path=str(SHOTS / f"committees-walk-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def refused(page, field_id: str) -> str:
    """The French reason shown under a refused field (and that field marked invalid)."""
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"
    assert page.locator("#error-summary").inner_text().startswith("Rien n’a été enregistré")
    return page.locator(f"#{field_id}-error").inner_text()


def test_an_administrator_sets_up_and_runs_a_committee(browser, site):
    base, sessions, keys = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(email_for("admin"))
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page.get_by_role("button", name="Se connecter"))
    click_and_wait(page.get_by_role("link", name="Comités de suivi").first)
    checked_form_page(page, "committees")

    # A committee tied to a voted priority; a first try without a name keeps what was typed.
    page.locator("#new-priority").fill("Rénover les écoles pour le climat")
    page.locator("#new-theme").fill("Climat")
    page.locator("#new-description").fill("Suivi des priorités votées en 2021.")
    page.locator("#new-name").fill(" ")
    click_and_wait(page.get_by_role("button", name="Créer le comité"))
    assert "obligatoire" in refused(page, "new-name")
    assert page.locator("#new-priority").input_value() == "Rénover les écoles pour le climat"
    assert page.locator("#new-description").input_value() == "Suivi des priorités votées en 2021."
    assert page.locator("#new-public").is_checked()
    with sessions() as session:
        assert session.scalar(select(func.count(Committee.id))) == 0
    page.locator("#new-name").fill("Comité de suivi Climat")
    click_and_wait(page.get_by_role("button", name="Créer le comité"))
    assert page.locator("h1").inner_text() == "Comité de suivi Climat"
    committee_url = page.url

    # A member of each kind; the resident with contacts, a wrong e-mail refused first.
    page.goto(f"{base}/admin/committees/members/")
    checked_form_page(page, "members")
    for name, kind, _role, _vote in PEOPLE:
        page.locator("#new-name").fill(name)
        page.locator("#new-kind").select_option(label=kind)
        if kind == "habitant":
            page.locator("#new-email").fill("leila.haddad@")
            page.locator("#new-phone").fill(CONTACT["phone"])
            page.locator("#new-postal_address").fill(ADDRESS)
            click_and_wait(page.get_by_role("button", name="Ajouter le membre"))
            assert "adresse électronique" in refused(page, "new-email")
            assert page.locator("#new-name").input_value() == name
            assert page.locator("#new-postal_address").input_value() == ADDRESS
            page.locator("#new-email").fill(CONTACT["email"])
        click_and_wait(page.get_by_role("button", name="Ajouter le membre"))
        assert page.locator("h1").inner_text() == name
        if kind == "habitant":
            assert page.locator("#email").inner_text() == CONTACT["email"]
            checked_form_page(page, "member")
        page.goto(f"{base}/admin/committees/members/")
    with sessions() as session:
        assert session.scalar(select(func.count(Member.id))) == len(PEOPLE)

    # Their seats: the partners and the staff without a vote.
    page.goto(committee_url)
    checked_form_page(page, "committee")
    for name, _kind, role, vote in PEOPLE:
        page.locator("#membership-member").select_option(label=name)
        page.locator("#membership-role").select_option(label=role)
        page.locator("#membership-voting").set_checked(vote)
        page.locator("#membership-starts_on").fill("2024-01-15")
        click_and_wait(page.get_by_role("button", name="Ajouter le siège"))
        assert name in page.locator("#seats").inner_text()
    assert CONTACT["email"] in page.locator("#seats").inner_text()  # an admin sees contacts

    # A meeting, its agenda, who came, and a decision put to a vote.
    page.locator("#meeting-title").fill("Réunion de lancement")
    page.locator("#meeting-date").fill(DAY.isoformat())
    page.locator("#meeting-start").fill("18:30")
    page.locator("#meeting-end").fill("18:00")
    page.locator("#meeting-place").fill("Mairie d’Ivry, salle du conseil")
    click_and_wait(page.get_by_role("button", name="Créer la réunion"))
    assert "après" in refused(page, "meeting-end")
    assert page.locator("#meeting-place").input_value() == "Mairie d’Ivry, salle du conseil"
    page.locator("#meeting-end").fill("20:30")
    click_and_wait(page.get_by_role("button", name="Créer la réunion"))
    assert page.locator("h1").inner_text() == "Réunion de lancement"
    assert "18\u00a0h\u00a030 (heure de Paris)" in page.locator("main").inner_text()
    checked_form_page(page, "meeting")
    for point in ("Écoles : calendrier des travaux", "Budget 2027"):
        page.locator("#agenda-title").fill(point)
        click_and_wait(page.get_by_role("button", name="Ajouter à l’ordre du jour"))
    assert "Budget 2027" in page.locator("#agenda").inner_text()
    for name, *_ in PEOPLE:
        status = "excusé" if name == "Vélo Ivry" else "présent"
        page.get_by_label(f"{name} : {status}").check()
    click_and_wait(page.get_by_role("button", name="Enregistrer les présences"))
    assert page.get_by_label("Vélo Ivry : excusé").is_checked()
    assert "Présents : 5 / 6" in page.locator("main").inner_text().replace("\u202f", " ")

    page.locator("#decisions-text").fill("Isoler l’école Einstein en 2027")
    page.locator("#decisions-agenda_item").select_option(label="Écoles : calendrier des travaux")
    page.locator("#decisions-voted").check()
    page.locator("#decisions-votes_for").fill("3")
    page.locator("#decisions-votes_against").fill("1")
    page.locator("#decisions-votes_abstain").fill("0")  # 4 votes, 3 voting members
    click_and_wait(page.get_by_role("button", name="Enregistrer la décision"))
    assert "membres votants" in refused(page, "decisions-votes_for")
    assert page.locator("#decisions-text").input_value() == "Isoler l’école Einstein en 2027"
    assert page.locator("#decisions-voted").is_checked()
    with sessions() as session:
        assert session.scalar(select(func.count(Decision.id))) == 0
    page.locator("#decisions-votes_against").fill("0")
    click_and_wait(page.get_by_role("button", name="Enregistrer la décision"))
    decisions = page.locator("#decisions").inner_text()
    assert "Isoler l’école Einstein en 2027" in decisions and "3 pour, 0 contre" in decisions

    # An action item from the decision, then linked to the synced result it advances.
    click_and_wait(page.get_by_role("link", name="Comité de suivi Climat").first)
    page.locator("#action-title").fill("Isolation de l’école Einstein")
    page.locator("#action-decision").select_option(index=1)
    page.locator("#action-owner_member").select_option(label="Marc Petit")
    page.locator("#action-status").select_option(label="en cours")
    page.locator("#action-progress").fill("40")
    click_and_wait(page.get_by_role("button", name="Créer l’action"))
    click_and_wait(page.get_by_role("link", name="Isolation de l’école Einstein").first)
    checked_form_page(page, "action")
    page.locator("#links-result").fill("ivry:nope")
    click_and_wait(page.get_by_role("button", name="Ajouter le lien"))
    assert "ivry:nope" in refused(page, "links-result")
    page.locator("#links-result").fill(f"ivry:{keys['result']}")
    click_and_wait(page.get_by_role("button", name="Ajouter le lien"))
    assert f"ivry:{keys['result']}" in page.locator("#links-title + ul").inner_text()

    # The roll-up: the result the item advances, and its parent, carry its progress.
    page.goto(f"{base}/admin/committees/accountability/ivry/{keys['component']}")
    row = page.locator(f"tr[data-id='{keys['result']}']")
    assert "touched" in (row.get_attribute("class") or "") and "40\u202f%" in row.inner_text()
    assert axe_violations(page) == []

    # The public page: names and kinds, the decision, never a contact.
    page.goto(committee_url)
    click_and_wait(page.get_by_role("link", name="Page publique"))
    public = page.locator("main").inner_text()
    assert "Leïla Haddad" in public and "habitant" in public
    assert "Isoler l’école Einstein en 2027" in public
    html = page.content()
    assert all(value not in html for value in (*CONTACT.values(), ADDRESS))

    # Leïla asks for her data, then for its erasure.
    page.goto(f"{base}/admin/committees/members/")
    click_and_wait(page.get_by_role("link", name="Leïla Haddad"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger tout")).click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert CONTACT["email"] in json.dumps(exported, ensure_ascii=False)
    click_and_wait(page.get_by_role("link", name="Effacer les données de cette personne"))
    checked_form_page(page, "erase")
    click_and_wait(page.get_by_role("button", name="Effacer"))
    assert "effacées" in page.get_by_role("status").first.inner_text()
    with sessions() as session:
        erased = session.scalar(select(Member).where(Member.erased_at.is_not(None)))
        assert erased is not None and erased.email is None and erased.phone is None
        assert erased.postal_address is None and erased.name != "Leïla Haddad"
    page.goto(committee_url)
    assert "Leïla Haddad" not in page.content() and CONTACT["email"] not in page.content()
    page.close()
