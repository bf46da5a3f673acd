"""The commitments' pages in a real browser: the public booklet on a phone and a desktop
(French, a chart with its text alternative, no horizontal scroll, no WCAG violation axe can
find), and an editor moving a commitment's status, which the page refuses without a reason."""

from __future__ import annotations

import pytest

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.testing import migrated_database
from tests.browser.conftest import click_and_wait, serve
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser
PLUGINS = ["budget", "committees", "commitments"]
EMAIL, PASSWORD = "elue@ivry.example", "un mot de passe assez long"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = migrated_database("sqlite", tmp_path_factory.mktemp("commitments"), PLUGINS)
    sessions = make_sessionmaker(make_engine(url))
    PluginHost(PLUGINS, sessions=sessions, settings=Settings(database_url=url)).call("seed_demo")
    with sessions() as session:
        create_user(session, EMAIL, "editor", PASSWORD)
        session.commit()
    settings = Settings(database_url=url, plugins={"enabled": PLUGINS}, cookie_secure=False)
    base, stop = serve(create_app(settings))
    yield base
    stop()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_booklet_reads_on_a_phone_and_a_desktop(browser, site, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}/public/engagements/")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text() == "Bilan des engagements — Mandat municipal 2020-2026"
    chart = page.locator("svg.status-chart")
    assert chart.get_attribute("role") == "img"
    assert "Démocratie participative" in page.locator("#chart-desc").text_content()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert all(r.startswith(site) for r in requests)
    assert axe_violations(page) == []
    href = page.get_by_role("link", name="Le livret en PDF").get_attribute("href")
    pdf = page.request.get(f"{site}{href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.close()


def test_an_editor_moves_a_status_and_must_say_why(browser, site):
    page = browser.new_page()
    page.goto(f"{site}/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page.get_by_role("button", name="Se connecter"))
    click_and_wait(page.get_by_role("link", name="Engagements").first)
    click_and_wait(page.get_by_role("link", name="Obtenir le prolongement de la ligne 10 du métro"))
    page.locator("#status-status").select_option("on_hold")
    page.locator("#status-reason").evaluate("e => e.removeAttribute('required')")
    click_and_wait(page.get_by_role("button", name="Changer le statut"))
    assert "Rien n’a été enregistré" in page.get_by_role("alert").inner_text()
    page.locator("#status-status").select_option("on_hold")
    page.locator("#status-reason").fill("Calendrier de l’État repoussé")
    click_and_wait(page.get_by_role("button", name="Changer le statut"))
    assert "Statut changé." in page.content()
    history = page.locator("ol.history li").all_inner_texts()
    # who moved it, as the audit names people (an editor may read an unnamed account's e-mail)
    assert f"par {EMAIL} — Calendrier de l’État repoussé" in history[0]
    assert "par Démo — " in history[-1] and not any("user:" in h for h in history)
    assert axe_violations(page) == []
    page.close()


def _sign_in(page, site) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page.get_by_role("button", name="Se connecter"))


def test_an_editor_edits_a_mandate_and_deletes_only_what_she_confirms(browser, site):
    page = browser.new_page()
    _sign_in(page, site)
    page.goto(f"{site}/admin/commitments/")
    page.get_by_label("Nom").fill("Mandat 2026-2032")
    click_and_wait(page.get_by_role("button", name="Créer le mandat"))
    assert "Mandat créé." in page.content()
    click_and_wait(page.get_by_role("link", name="Modifier ou supprimer le mandat"))
    assert page.locator("h1").inner_text() == "Mandat 2026-2032"
    page.get_by_label("Début").fill("2026-03-22")
    page.get_by_label("Fin").fill("2020-01-01")
    click_and_wait(page.get_by_role("button", name="Enregistrer"))
    alert = page.get_by_role("alert").inner_text()
    assert "Rien n’a été enregistré" in alert and "le mandat finit avant de commencer" in alert
    assert page.get_by_label("Début").input_value() == "2026-03-22"  # what was typed is kept
    page.get_by_label("Nom").fill("Mandat municipal 2026-2032")
    page.get_by_label("Fin").fill("2032-03-21")
    page.get_by_label("Description").fill("Le projet municipal élu en mars 2026")
    click_and_wait(page.get_by_role("button", name="Enregistrer"))
    assert "Mandat enregistré." in page.content()
    assert page.locator("h1").inner_text() == "Mandat municipal 2026-2032"
    assert "Du 22 mars 2026 au 21 mars 2032" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    click_and_wait(page.get_by_role("button", name="Supprimer le mandat"))
    assert "Mandat «\u202fMandat municipal 2026-2032\u202f» supprimé." in page.content()
    # the demo's mandate has commitments: a wrong name deletes nothing
    click_and_wait(page.get_by_role("link", name="Modifier ou supprimer le mandat"))
    assert "engagements partent avec lui" in page.locator("#delete-form").inner_text()
    page.get_by_label("Saisissez le nom du mandat pour confirmer").fill("oui")
    click_and_wait(page.get_by_role("button", name="Supprimer le mandat"))
    assert "saisissez son nom pour les supprimer avec lui" in page.get_by_role("alert").inner_text()
    page.goto(f"{site}/public/engagements/")
    assert "Mandat municipal 2020-2026" in page.locator("h1").inner_text()
    page.close()


def test_the_report_for_the_2025_conference_is_shared_by_its_address(browser, site):
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.goto(f"{site}/public/engagements/bilan")
    page.get_by_label("État au").fill("2025-11-22")
    page.get_by_label("Comparé au (facultatif)").fill("2023-12-01")
    click_and_wait(page.get_by_role("button", name="Afficher le bilan"))
    assert "as_of=2025-11-22" in page.url and "since=2023-12-01" in page.url
    heading = page.locator("#commitments-heading").inner_text()
    assert heading == "Mandat municipal 2020-2026\u202f: les engagements au 22 novembre 2025"
    moved = page.locator("ul.report-moved li").all_inner_texts()
    assert len(moved) == 3 and any("Planter 2 000 arbres" in m for m in moved)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
    shared = browser.new_page()  # the same address, opened by someone else
    shared.goto(page.url)
    assert shared.locator("#commitments-heading").inner_text() == heading
    shared.close()
    href = page.get_by_role("link", name="Le bilan en PDF").get_attribute("href")
    assert "as_of=2025-11-22" in href
    pdf = page.request.get(f"{site}{href}")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.get_by_label("État au").fill("2023-11-18")
    page.get_by_label("Comparé au (facultatif)").fill("2025-01-01")
    click_and_wait(page.get_by_role("button", name="Afficher le bilan"))
    alert = page.get_by_role("alert").inner_text()
    assert "le jour de comparaison doit précéder le jour du bilan" in alert
    assert page.get_by_label("État au").input_value() == "2023-11-18"
    page.close()
