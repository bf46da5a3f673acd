"""The budget's admin pages in a real browser: create an envelope, confirm a proposed
allocation, try a bad file (every bad line listed in French, nothing imported), import a good
one, then add a local action and type its first commitment by hand."""

from __future__ import annotations

import pytest

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.sync.engine import SyncEngine
from plugins.budget.models import Envelope
from simulator.testing import running_simulator
from tests.browser.conftest import serve
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS, add_instance

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path):
    url = _database_url("sqlite", tmp_path)
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        create_user(session, "finances@ivry.example", "editor", "une longue phrase secrète")
        from bridge.timeutil import utcnow

        session.add(Envelope(name="Suites du vote", amount_cents=70_000_000, created_at=utcnow()))
        session.commit()
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        SyncEngine(sessions, SETTINGS, plugins=PluginHost(["budget"])).run("ivry")
    base, stop = serve(create_app(Settings(database_url=url, secret_key="b", cookie_secure=False)))
    yield base
    stop()


def test_confirm_and_import(browser, site, tmp_path):
    page = browser.new_page()
    page.goto(f"{site}/login")
    page.get_by_label("Adresse e-mail").fill("finances@ivry.example")
    page.get_by_label("Mot de passe").fill("une longue phrase secrète")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Budget de suivi").click()  # the plugin's menu entry

    page.get_by_label("Nom", exact=True).fill("Budget de la démarche climat 2021")
    page.get_by_label("Montant en euros (ex. 700 000)").fill("150 000")
    page.get_by_role("button", name="Créer l’enveloppe").click()
    assert "Budget de la démarche climat 2021" in page.locator("#envelopes").inner_text()
    page.get_by_label("Nom", exact=True).fill("Sans montant")
    page.get_by_label("Montant en euros (ex. 700 000)").fill("beaucoup")
    page.get_by_role("button", name="Créer l’enveloppe").click()
    amount = page.get_by_label("Montant en euros (ex. 700 000)")
    assert amount.get_attribute("aria-invalid") == "true"
    assert amount.input_value() == "beaucoup"  # what was typed is kept
    assert page.get_by_label("Nom", exact=True).input_value() == "Sans montant"
    assert "« beaucoup » n’est pas un montant en euros" in page.locator("p.error").inner_text()

    proposed = page.locator("tr.allocation.proposed")
    count = proposed.count()
    assert count > 0
    proposed.first.get_by_role("button", name="Confirmer").click()
    assert page.locator("tr.allocation.proposed").count() == count - 1

    bad = tmp_path / "mauvais.csv"
    bad.write_text(
        "date;reference;kind;amount\n01/02/2024;E1;engagement;-3\n99/99/2024;E2;engagement;10\n",
        encoding="utf-8",
    )
    page.get_by_label("Fichier CSV du service financier").set_input_files(str(bad))
    page.get_by_label("Essai : vérifier sans rien écrire").uncheck()
    page.get_by_role("button", name="Importer").click()
    alert = page.get_by_role("alert").inner_text()
    assert "ligne 2 : montant négatif" in alert
    assert "ligne 3 : « 99/99/2024 » n’est pas une date" in alert

    good = tmp_path / "bon.csv"
    good.write_text(
        "date;reference;kind;amount\n01/02/2024;E1;engagement;120 000,00\n", encoding="cp1252"
    )
    page.get_by_label("Fichier CSV du service financier").set_input_files(str(good))
    page.get_by_label("Essai : vérifier sans rien écrire").uncheck()
    page.get_by_role("button", name="Importer").click()
    assert "1 ligne(s) nouvelle(s)" in page.get_by_role("status").inner_text()
    assert "120 000,00 €" in spaced(page.locator("#envelopes").inner_text())

    page.get_by_role("link", name="Nouvelle allocation").click()
    page.get_by_label("Libellé (obligatoire pour une action locale)").fill("Fresque du quai")
    page.get_by_label("Montant en euros (vide : le montant du projet)").fill("8 000")
    page.get_by_label("Quartier").fill("Ivry-Port")
    page.get_by_role("button", name="Enregistrer l’allocation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fresque du quai"

    page.get_by_label("Date (31/12/2024)").fill("03/04/2024")
    page.get_by_label("Montant en euros", exact=True).fill("2 500,00")
    page.get_by_label("Référence (n° de pièce)").fill("EJ-77")
    page.get_by_role("button", name="Ajouter la ligne").click()
    assert spaced(page.locator("#committed").inner_text()) == "2 500,00 €"
    page.get_by_label("Mandatement (paiement)").check()
    page.get_by_label("Date (31/12/2024)").fill("le 3 avril")
    page.get_by_label("Montant en euros", exact=True).fill("2 500,00")
    page.get_by_label("Référence (n° de pièce)").fill("MA-77")
    page.get_by_role("button", name="Ajouter la ligne").click()
    assert "« le 3 avril » n’est pas une date" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Référence (n° de pièce)").input_value() == "MA-77"
    assert page.get_by_label("Mandatement (paiement)").is_checked()
    assert spaced(page.locator("#paid").inner_text()) == "0,00 €"
    page.close()


def spaced(text: str) -> str:
    """French amounts use narrow and plain no-break spaces; compare them as spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")
