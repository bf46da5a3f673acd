"""The committees' follow-up pages in a real browser, as the city's administrator uses them:
the roll-up page reached from the menu, its figures and the import file downloaded; the
e-mail outbox, a message given up tried again. Both pass axe's WCAG checks and fit a phone."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bridge import mail
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import OutboxMessage
from bridge.testing.clients import create_people, email_for
from bridge.testing.stand_in import sync_stand_in
from simulator.testing import running_simulator
from tests.browser.conftest import click_and_wait, serve
from tests.browser.test_accessibility import PHONE_CHECK, axe_violations
from tests.committees import workflow
from tests.conftest import _database_url

pytestmark = pytest.mark.browser
NOW = datetime(2026, 12, 1, 9, 0)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = _database_url("sqlite", tmp_path_factory.mktemp("followup"))
    sessions = make_sessionmaker(make_engine(url))
    create_people(sessions)
    with running_simulator() as decidim:
        sync_stand_in(sessions, PluginHost(["budget", "committees"]), decidim, "ivry")
    with sessions() as session, session.begin():
        component, child = workflow.follow_a_child_result(session, NOW)
        refused = mail.queue(
            session,
            recipient="voirie@ivry.example",
            subject="Action en retard : Pistes",
            body="b",
            kind="committees.reminder",
            queued_by="committees",
        )
        refused.status, refused.attempts, refused.last_error = "failed", 1, "550 5.1.1 unknown"
        component_id = component.remote_id
    app = create_app(Settings(database_url=url, secret_key="f", cookie_secure=False))
    base, stop = serve(app)
    yield base, component_id, sessions
    stop()


def signed_in(browser, base, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email_for("admin"))
    page.fill("#password", "a long password 12")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")
    return context, page


def test_the_roll_up_and_the_outbox_as_an_administrator_uses_them(browser, site):
    base, component_id, sessions = site
    context, page = signed_in(browser, base)
    page.goto(f"{base}/admin/committees/accountability/")  # linked from the committees' pages
    click_and_wait(page.get_by_role("link", name="Suivi des actions"))
    assert page.locator("h1").inner_text() == "Suivi des actions"
    assert page.locator("#component-decidim").inner_text().endswith("%")
    assert page.locator("tr.touched").count() == 2  # the item's result and its parent
    assert not axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier").click()
    rows = list(
        csv.DictReader(
            io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")), delimiter=";"
        )
    )
    assert "70" in {r["progress"] for r in rows}

    click_and_wait(page.get_by_role("link", name="Tableau de bord").first)
    assert "1 non envoyé" in page.locator("#mail-state").inner_text()
    click_and_wait(page.locator("#mail-state").get_by_role("link", name="File d’envoi des e-mails"))
    click_and_wait(page.get_by_role("link", name="1 non envoyé"))
    assert "550 5.1.1 unknown" in page.locator("#outbox").inner_text()
    assert not axe_violations(page)
    click_and_wait(page.get_by_role("button", name="Réessayer"))
    assert "prochain passage" in page.get_by_role("status").first.inner_text()
    with sessions() as session:
        assert session.scalars(select(OutboxMessage)).one().status == "pending"
    context.close()


@pytest.mark.parametrize("path", ["/admin/mail?status=failed", "/admin/committees/accountability/"])
def test_the_pages_fit_a_phone(browser, site, path):
    base, component_id, _ = site
    size = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
    context, page = signed_in(browser, base, **size)
    for url in (path, f"/admin/committees/accountability/ivry/{component_id}"):
        page.goto(f"{base}{url}")
        found = page.evaluate(PHONE_CHECK)
        assert found["overflow"] <= 0, (url, found)
        assert not found["small"], (url, found)
    context.close()
