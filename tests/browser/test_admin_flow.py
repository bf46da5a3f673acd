"""A person of the participation service, in a real browser: sign in, add the city's Decidim,
test the connection, sync, watch the run finish, read a proposal, sign out; in both languages."""

from __future__ import annotations

import re
import threading

import pytest

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.scheduler import Scheduler
from bridge.store.db import make_engine, make_sessionmaker
from simulator.testing import running_simulator
from tests.browser.conftest import click_and_wait, serve
from tests.browser.test_accessibility import axe_violations
from tests.conftest import _database_url

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {
        "sign_in": "Se connecter",
        "add": "Ajouter une instance",
        "save": "Enregistrer",
        "test": "Tester la connexion",
        "ok": "Connexion réussie",
        "sync": "Synchroniser maintenant",
        "proposals": "Propositions",
        "sign_out": "Se déconnecter",
        "account": "Mon compte",
        "name": "Nom",
        "url": "Adresse du site Decidim",
    },
    "en": {
        "sign_in": "Sign in",
        "add": "Add an instance",
        "save": "Save",
        "test": "Test the connection",
        "ok": "Connection works",
        "sync": "Sync now",
        "proposals": "Proposals",
        "sign_out": "Sign out",
        "account": "My account",
        "name": "Name",
        "url": "Decidim site address",
    },
}


@pytest.fixture
def stack(tmp_path):
    url = _database_url("sqlite", tmp_path)
    settings = Settings(
        database_url=url,
        secret_key="browser",
        cookie_secure=False,
        scheduler_poll_seconds=0.2,
        allowed_upstream_hosts="127.0.0.1",  # the stand-in
    )
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        create_user(session, "agent@ivry.example", "admin", "une longue phrase secrète")
        session.commit()
    stop = threading.Event()
    scheduler = threading.Thread(target=Scheduler(settings).loop, args=(stop,), daemon=True)
    scheduler.start()
    with running_simulator() as decidim:
        base, shutdown = serve(create_app(settings))
        yield base, decidim.url
        shutdown()
    stop.set()
    scheduler.join(10)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sign_in_add_instance_sync_read_sign_out(browser, stack, lang):
    base, decidim_url = stack
    w = WORDS[lang]
    page = browser.new_page()
    page.goto(f"{base}/login?lang={lang}")
    page.get_by_label(re.compile("e-mail|Email", re.I)).fill("agent@ivry.example")
    page.get_by_label(re.compile("Mot de passe|Password")).fill("une longue phrase secrète")
    click_and_wait(page.get_by_role("button", name=w["sign_in"]))

    click_and_wait(page.get_by_role("link", name=w["add"]))
    page.get_by_label(w["name"], exact=True).fill(f"ivry-{lang}")
    page.get_by_label(w["url"]).fill(decidim_url)
    click_and_wait(page.get_by_role("button", name=w["save"]))

    click_and_wait(page.get_by_role("button", name=w["test"]))
    assert w["ok"] in page.locator(".notice-ok").inner_text()
    assert "Decidim 0.28.4" in page.locator(".notice-ok").inner_text()

    click_and_wait(page.get_by_role("button", name=w["sync"]))
    page.locator("tr.run.succeeded").wait_for(timeout=120_000)  # the page refreshes itself
    assert "320 / 0 / 0 / 0" in page.locator("tr.run.succeeded").inner_text()

    click_and_wait(page.get_by_role("link", name=w["proposals"]))
    click_and_wait(page.get_by_role("link", name=re.compile("arbres fruitiers|fruit trees")).first)
    assert re.search("arbres fruitiers|fruit trees", page.locator("h1").inner_text())

    click_and_wait(page.get_by_role("link", name=w["account"]))
    click_and_wait(page.get_by_role("button", name=w["sign_out"]))
    assert page.get_by_role("button", name=w["sign_in"]).is_visible()
    page.goto(f"{base}/admin/")
    assert "/login" in page.url  # signed out means signed out
    page.close()


def test_a_bad_url_is_refused_and_the_form_keeps_what_was_typed(browser, stack):
    base, _ = stack
    page = browser.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill("agent@ivry.example")
    page.get_by_label("Mot de passe").fill("une longue phrase secrète")
    click_and_wait(page.get_by_role("button", name="Se connecter"))
    page.goto(f"{base}/admin/instances/new")
    page.get_by_label("Nom", exact=True).fill("paris")
    page.get_by_label("Adresse du site Decidim").fill("https://decidim.paris/api")
    click_and_wait(page.get_by_role("button", name="Enregistrer"))
    assert "sans /api" in page.get_by_role("alert").inner_text()  # the site root, in French
    assert page.get_by_label("Nom", exact=True).input_value() == "paris"
    assert page.get_by_label("Adresse du site Decidim").get_attribute("aria-invalid") == "true"
    page.close()


def test_a_new_instance_says_how_its_processes_come_and_the_first_sync_brings_them(browser, stack):
    """A new administrator adds the city's Decidim and wants to choose its processes: the pages
    say, in French, that a first sync reads them from Decidim, and offer it where the choice is
    made; the page then waits for that sync and shows the processes to tick."""
    base, decidim_url = stack
    page = browser.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill("agent@ivry.example")
    page.get_by_label("Mot de passe").fill("une longue phrase secrète")
    click_and_wait(page.get_by_role("button", name="Se connecter"))
    click_and_wait(page.get_by_role("link", name="Ajouter une instance"))
    page.get_by_label("Nom", exact=True).fill("vitry")
    page.get_by_label("Adresse du site Decidim").fill(decidim_url)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{base}/admin/instances/vitry")
    said = page.locator(".notice-ok").inner_text()
    assert "Instance «\u202fvitry\u202f» ajoutée" in said and "première synchronisation" in said
    assert "première synchronisation" in page.locator("#first-steps").inner_text()

    page.get_by_role("link", name="Espaces synchronisés").click()
    page.wait_for_url(f"{base}/admin/instances/vitry/processes")
    text = page.locator("main").inner_text()
    assert "Aucun processus n’est encore connu" in text and "première synchronisation" in text
    assert axe_violations(page) == []
    # the same address again: wait_for_url would be met at once, by the page still shown
    click_and_wait(page.get_by_role("button", name="Lancer la première synchronisation"))
    page.locator("fieldset[id^=space-]").first.wait_for(timeout=120_000)  # it refreshes itself
    assert page.get_by_role("button", name="Lancer la première synchronisation").count() == 0
    first = page.locator("fieldset[id^=space-]").first
    first.get_by_label("Synchroniser cet espace").uncheck()
    click_and_wait(page.get_by_role("button", name="Enregistrer"))
    assert "Réglages enregistrés." in page.locator(".notice-ok").inner_text()
    assert axe_violations(page) == []
    page.close()
