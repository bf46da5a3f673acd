"""The participation service runs the bridge from the browser, in French: change an instance's
schedule and switch it off, create an API token and see it once, create an account that then
signs in; and one page in English."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import AuditEntry, Change, Instance, SyncRun
from bridge.timeutil import utcnow
from tests.browser.conftest import click_and_wait, serve
from tests.conftest import _database_url

pytestmark = pytest.mark.browser
PASSWORD = "une longue phrase secrète"


@pytest.fixture
def site(tmp_path):
    url = _database_url("sqlite", tmp_path)
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        create_user(session, "agent@ivry.example", "admin", PASSWORD)
        now = utcnow()
        session.add(
            Instance(
                name="ivry",
                base_url="https://decidim.ivry94.fr",
                schedule_interval_minutes=60,
                created_at=now,
                updated_at=now,
            )
        )
        session.commit()
    base, stop = serve(create_app(Settings(database_url=url, secret_key="p", cookie_secure=False)))
    yield base, sessions
    stop()


def sign_in(page, base, email="agent@ivry.example", password=PASSWORD, lang="fr"):
    page.goto(f"{base}/login?lang={lang}")
    page.get_by_label(re.compile("e-mail|Email", re.I)).fill(email)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(password)
    click_and_wait(page.get_by_role("button", name=re.compile("Se connecter|Sign in")))


def test_edit_the_schedule_and_switch_the_instance_off(browser, site):
    base, sessions = site
    page = browser.new_page()
    sign_in(page, base)
    click_and_wait(page.get_by_role("link", name="ivry"))
    assert "toutes les 60 min" in page.locator("#schedule").inner_text()
    assert page.locator("#enabled-state").inner_text() == "activée"
    click_and_wait(page.get_by_role("link", name="Modifier les réglages"))

    page.get_by_label("Synchroniser toutes les N minutes").fill("")
    page.get_by_label("ou selon un crontab").fill("chaque nuit")
    click_and_wait(page.get_by_role("button", name="Enregistrer"))
    assert "crontab" in page.get_by_role("alert").inner_text()
    cron = page.get_by_label("ou selon un crontab")
    assert cron.input_value() == "chaque nuit" and cron.get_attribute("aria-invalid") == "true"

    cron.fill("30 2 * * *")
    page.get_by_label("Synchronisations planifiées actives").uncheck()
    click_and_wait(page.get_by_role("button", name="Enregistrer"))
    assert "Modifications enregistrées." in page.get_by_role("status").first.inner_text()
    assert "30 2 * * *" in page.locator("#schedule").inner_text()
    assert page.locator("#enabled-state").inner_text() == "désactivée"
    with sessions() as session:
        instance = session.scalar(select(Instance))
        assert (instance.enabled, instance.schedule_cron) == (False, "30 2 * * *")
        assert instance.schedule_interval_minutes is None
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "instance.update"))
    page.close()


def test_create_a_token_and_see_it_once(browser, site):
    base, _ = site
    page = browser.new_page()
    sign_in(page, base)
    click_and_wait(page.get_by_role("link", name="Jetons d’API"))
    page.get_by_label("Nom du jeton").fill("portail open data")
    page.get_by_label("Rôle").select_option("viewer")
    click_and_wait(page.get_by_role("button", name="Créer le jeton"))
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("cbt_")
    assert "il ne sera plus jamais affiché" in page.locator("#created").inner_text()
    me = page.request.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["role"] == "viewer"

    page.goto(f"{base}/admin/tokens")  # once: not on the next visit
    assert secret not in page.content()
    row = page.locator("tr.token.active", has_text="portail open data")
    assert "lecture" in row.inner_text()
    click_and_wait(row.get_by_role("link", name=re.compile("Révoquer")))
    click_and_wait(page.get_by_role("button", name="Révoquer"))  # the page that asks first
    assert page.locator("tr.token.revoked", has_text="portail open data").is_visible()
    me = page.request.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status == 401
    page.close()


def test_create_an_account_that_then_signs_in(browser, site):
    base, _ = site
    page = browser.new_page()
    sign_in(page, base)
    click_and_wait(page.get_by_role("link", name="Comptes"))
    page.get_by_label("Adresse e-mail").fill("elue@ivry.example")
    page.get_by_label("Nom (facultatif)").fill("Élue à la participation")
    page.get_by_label("Rôle", exact=True).select_option("editor")
    click_and_wait(page.get_by_role("button", name="Créer le compte"))
    assert "elue@ivry.example" in page.locator("#created").inner_text()
    password = page.locator("#new-password").inner_text()
    assert len(password) >= 12
    row = page.locator("tr.user", has_text="elue@ivry.example")
    assert row.get_by_role("combobox").input_value() == "editor"

    click_and_wait(page.get_by_role("link", name="Mon compte"))
    click_and_wait(page.get_by_role("button", name="Se déconnecter"))
    sign_in(page, base, "elue@ivry.example", password)
    assert "/admin/" in page.url
    nav = page.get_by_role("navigation", name="admin")
    assert nav.get_by_role("link", name="Jetons d’API").is_visible()
    assert nav.get_by_role("link", name="Comptes").count() == 0  # accounts: admins only
    page.close()


def test_the_tokens_page_in_english(browser, site):
    base, _ = site
    page = browser.new_page()
    sign_in(page, base, lang="en")
    click_and_wait(page.get_by_role("link", name="API tokens"))
    assert page.locator("h1").inner_text() == "API tokens"
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Token name").fill("dashboard")
    click_and_wait(page.get_by_role("button", name="Create the token"))
    assert "never be shown again" in page.locator("#created").inner_text()
    page.close()


# The pages of this change, under the same checks as tests/browser/test_accessibility.py.
NEW_PAGES = [
    "/admin/instances/ivry/edit",
    "/admin/instances/ivry/changes",
    "/admin/users",
    "/admin/tokens",
    "/admin/plugins",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_new_pages_pass_axe_and_fit_a_phone(browser, site, lang):
    from tests.browser.test_accessibility import PHONE_CHECK, axe_violations

    base, sessions = site
    with sessions() as session:  # something in every table
        run = SyncRun(instance_id=1, status="succeeded", started_at=utcnow(), warnings=[])
        session.add(run)
        session.flush()
        session.add(
            Change(
                run_id=run.id,
                instance_id=1,
                resource="proposals",
                record_id=1,
                remote_id="12",
                kind="updated",
                field="title",
                old={"fr": "Des arbres fruitiers dans les écoles"},
                new={"fr": "Des arbres fruitiers dans toutes les écoles de la ville"},
                changed_at=utcnow(),
            )
        )
        session.commit()
    for size in ({}, {"viewport": {"width": 375, "height": 740}, "is_mobile": True}):
        context = browser.new_context(**size)
        page = context.new_page()
        sign_in(page, base, lang=lang)
        page.goto(f"{base}/admin/tokens")
        page.get_by_label(re.compile("Nom du jeton|Token name")).fill("portail open data")
        click_and_wait(
            page.get_by_role("button", name=re.compile("Créer le jeton|Create the token"))
        )
        for path in NEW_PAGES:
            page.goto(f"{base}{path}")
            assert page.get_attribute("html", "lang") == lang
            if size:
                found = page.evaluate(PHONE_CHECK)
                assert found["overflow"] <= 0, (path, lang, found["overflow"])
                assert not found["small"], (path, lang, found["small"])
            else:
                assert not axe_violations(page), (path, lang, axe_violations(page))
        context.close()
