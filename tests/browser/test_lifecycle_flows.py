"""A new city administrator in a real browser, over the real stand-in and real syncs: "sync now"
runs (the embedded scheduler) and the page shows it finished; a stale scheduler is said; a
failed connection and a failed run are one French sentence; the publish switch hides and shows
the public pages; archive, then delete after its confirmation page; the dashboard; and the
public follow-up page with its filters and money, on a phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bridge import embedded_scheduler
from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import CategoryTheme, Instance, Result, SchedulerHeartbeat
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow
from simulator.testing import running_simulator
from tests.browser.conftest import click_and_wait, serve
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS, add_instance

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "agent@ivry.example", "une longue phrase secrète"


def settings_for(url: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key="browser",
        cookie_secure=False,
        scheduler_poll_seconds=0.2,
        allowed_upstream_hosts="127.0.0.1",  # the stand-in
    )


@pytest.fixture
def city(tmp_path):
    """Ivry added (not synced, not published), an admin; the stand-in running."""
    url = _database_url("sqlite", tmp_path)
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        create_user(session, EMAIL, "admin", PASSWORD)
        session.commit()
    with running_simulator() as decidim:
        add_instance(sessions, decidim.url, schedule_interval_minutes=60)
        yield url, sessions, decidim.url


def sign_in(browser, base: str, **options):
    page = browser.new_page(**options)
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page.get_by_role("button", name="Se connecter"))
    return page


def test_sync_now_runs_with_the_embedded_scheduler_and_the_page_shows_it(browser, city):
    url, sessions, _ = city
    settings = settings_for(url)
    stop = embedded_scheduler.start(settings)
    base, shutdown = serve(create_app(settings))
    try:
        page = sign_in(browser, base)
        click_and_wait(page.get_by_role("link", name="Tableau de bord").first)
        page.locator("#scheduler-state").wait_for()
        assert "Planificateur actif" in page.locator("#scheduler-state").inner_text()
        page.goto(f"{base}/admin/instances/ivry")
        click_and_wait(page.get_by_role("button", name="Tester la connexion"))
        assert "0.28.4" in page.locator("#version").inner_text()  # stored, not "?"
        click_and_wait(page.get_by_role("button", name="Synchroniser maintenant"))
        page.locator("tr.run.succeeded").wait_for(timeout=120_000)  # the page refreshes itself
        assert "réussie" in page.locator("tr.run.succeeded").inner_text()
        page.goto(f"{base}/admin/instances")
        row = page.locator('tr[data-instance="ivry"]')
        assert "réussie" in row.inner_text() and "0.28.4" in row.inner_text()
        assert "jamais" not in row.inner_text()
        page.close()
    finally:
        shutdown()
        stop()


def test_a_stale_scheduler_is_said_on_the_pages(browser, city):
    url, sessions, _ = city
    with sessions() as session:
        ago = utcnow() - timedelta(minutes=10)
        session.add(SchedulerHeartbeat(owner="gone:1:x", started_at=ago, beat_at=ago))
        session.commit()
    base, shutdown = serve(create_app(settings_for(url)))
    try:
        page = sign_in(browser, base)
        for path in ("/admin/", "/admin/instances", "/admin/instances/ivry"):
            page.goto(f"{base}{path}")
            notice = page.locator("#scheduler-notice").inner_text()
            assert notice.startswith("Aucun planificateur actif depuis le "), notice
            assert "\u202f: les synchronisations demandées ne partiront pas" in notice
        page.close()
    finally:
        shutdown()


def test_a_failed_connection_and_a_failed_run_are_one_french_sentence(browser, city):
    url, sessions, _ = city
    with sessions() as session:
        # Nothing listens on the discard port (as elsewhere in the suite): a port found free and
        # let go could be taken by another process before the sync connects.
        session.scalar(select(Instance)).base_url = "http://127.0.0.1:9"
        session.commit()
    run = SyncEngine(sessions, Settings(http_retries=0, http_timeout_seconds=2)).run("ivry")
    assert run.status == "failed"
    base, shutdown = serve(create_app(settings_for(url)))
    try:
        page = sign_in(browser, base)
        page.goto(f"{base}/admin/instances/ivry")
        click_and_wait(page.get_by_role("button", name="Tester la connexion"))
        alert = page.get_by_role("alert").first.inner_text()
        assert alert.startswith("Connexion impossible\u202f: le serveur ne répond pas"), alert
        assert "HTTPConnectionPool" not in page.content()
        assert (
            "Le serveur ne répond pas à cette adresse" in page.locator("tr.run.failed").inner_text()
        )
        page.goto(f"{base}/admin/")
        attention = page.locator("#attention").inner_text()
        assert "ivry" in attention and "échec" in attention
        assert "Le serveur ne répond pas à cette adresse" in attention
        page.goto(f"{base}/admin/instances")
        row = page.locator('tr[data-instance="ivry"]').inner_text()
        assert "échec" in row and "Le serveur ne répond pas" in row and "jamais" in row
        page.close()
    finally:
        shutdown()


def test_publish_switch_archive_and_delete_with_confirmation(browser, city):
    url, sessions, _ = city
    assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
    base, shutdown = serve(create_app(settings_for(url)))
    try:
        public = browser.new_page()
        assert public.goto(f"{base}/public/ivry/").status == 404  # new: not published
        page = sign_in(browser, base)
        page.goto(f"{base}/admin/instances/ivry")
        click_and_wait(page.get_by_role("button", name="Publier sur le site public"))
        assert "publiée sur le site public" in page.get_by_role("status").first.inner_text()
        assert public.goto(f"{base}/public/ivry/").status == 200
        click_and_wait(page.get_by_role("button", name="Retirer du site public"))
        assert public.goto(f"{base}/public/ivry/").status == 404
        click_and_wait(page.get_by_role("button", name="Publier sur le site public"))

        click_and_wait(page.get_by_role("button", name="Archiver l’instance"))
        assert page.locator("#archived-notice").is_visible()
        assert page.get_by_role("button", name="Synchroniser maintenant").count() == 0
        assert public.goto(f"{base}/public/ivry/").status == 404  # archived: hidden

        click_and_wait(page.get_by_role("link", name="Supprimer l’instance…"))
        counts = page.locator("#counts").inner_text()
        assert re.search(r"\d+ propositions", counts), counts
        page.get_by_label(re.compile("tapez le nom de l’instance")).fill("paris")
        click_and_wait(page.get_by_role("button", name="Supprimer définitivement"))
        assert "rien n’a été supprimé" in page.get_by_role("alert").first.inner_text()
        page.get_by_label(re.compile("tapez le nom de l’instance")).fill("ivry")
        click_and_wait(page.get_by_role("button", name="Supprimer définitivement"))
        assert "Instance ivry supprimée" in page.get_by_role("status").first.inner_text()
        assert "/admin/instances" in page.url
        with sessions() as session:
            assert session.scalar(select(Instance)) is None
        page.close()
        public.close()
    finally:
        shutdown()


def test_the_follow_up_page_with_filters_and_money_on_a_phone(browser, city):
    url, sessions, _ = city
    host = PluginHost(["budget"], sessions=sessions)
    assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    host.call("seed_demo")
    with sessions() as session:
        session.scalar(select(Instance)).published = True
        space_id, category = session.execute(
            select(Result.space_id, Result.category_remote_id)
            .where(Result.category_remote_id.is_not(None))
            .order_by(Result.id)
        ).first()
        session.add(
            CategoryTheme(
                instance_id=1,
                category_remote_id=category,
                theme="Nature en ville",
                updated_at=utcnow(),
            )
        )
        session.commit()
    base, shutdown = serve(create_app(settings_for(url)))
    try:
        page = browser.new_page(viewport={"width": 375, "height": 740}, java_script_enabled=False)
        page.goto(f"{base}/public/ivry/processes/{space_id}")
        click_and_wait(page.get_by_role("link", name="Voir le suivi des engagements"))
        assert page.locator("h1").inner_text() == "Suivi des engagements"
        everything = page.locator("li.card.result").count()
        assert everything > 0
        assert page.locator("li.card.result progress").count() > 0
        paid = page.locator('li.card.project dd[data-money="paid"]').first.inner_text()
        assert re.fullmatch(r"[\d\u202f]+\u00a0€", paid), paid
        link = page.locator("li.card.result h3 a").first.get_attribute("href")
        assert re.search(r"/processes/[^/]+/f/\d+/results/\d+$", link), link
        page.get_by_label("Thème").select_option("Nature en ville")
        click_and_wait(page.get_by_role("button", name="Filtrer"))
        assert "theme=Nature" in page.url
        themed = page.locator("li.card.result").count()
        assert 0 < themed <= everything
        for card in page.locator("li.card.result").all():
            assert "Nature en ville" in card.inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
        page.close()
    finally:
        shutdown()
