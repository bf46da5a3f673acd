"""Sending the committees' progress to Decidim in a real browser, in French, as an editor does
it: the component's page asks the server what its API offers, the preview lists the result that
changes (from → to) and the parent Decidim recomputes, the confirmation sends it, and the page
tells the outcome; the stand-in (Decidim's write API over real HTTP) then has the new progress.
The pages pass axe's WCAG checks."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import AuditEntry
from bridge.testing.clients import PASSWORD, create_people, email_for
from bridge.testing.stand_in import sync_stand_in
from plugins.committees.accountability_push import ACTION
from simulator.testing import running_simulator
from tests.browser.conftest import click_and_wait, serve
from tests.browser.test_accessibility import PHONE_CHECK, axe_violations
from tests.committees import workflow
from tests.conftest import _database_url

pytestmark = pytest.mark.browser
NOW = datetime(2026, 12, 2, 9, 0)
KEY, SECRET = "bridge-key", "bridge-secret"


@pytest.fixture
def site(tmp_path):
    url = _database_url("sqlite", tmp_path)
    sessions = make_sessionmaker(make_engine(url))
    create_people(sessions)
    with running_simulator(version="0.31", write_api=True, api_credentials=(KEY, SECRET)) as sim:
        sync_stand_in(
            sessions,
            PluginHost(["budget", "committees"]),
            sim,
            "ivry",
            api_key=KEY,
            api_secret=SECRET,
        )
        with sessions() as session, session.begin():
            component, child = workflow.follow_a_child_result(session, NOW)
            ids = component.remote_id, child.remote_id, child.parent_remote_id
        app = create_app(Settings(database_url=url, secret_key="f", cookie_secure=False))
        base, stop = serve(app)
        yield base, ids, sessions, sim
        stop()


def signed_in(browser, base: str, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email_for("editor"))
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")
    return context, page


def test_an_editor_reviews_confirms_and_reads_the_outcome(browser, site):
    base, (component_id, child, parent), sessions, sim = site
    context, page = signed_in(browser, base)

    page.goto(f"{base}/admin/committees/accountability/ivry/{component_id}")
    state = page.locator("#push-state")
    assert "pas encore demandé" in state.inner_text()
    click_and_wait(page.get_by_role("button", name="Demander à Decidim ce que son API propose"))
    assert "met à jour les résultats par son API" in page.locator("#push-state").inner_text()
    assert not axe_violations(page)

    click_and_wait(page.get_by_role("link", name="Revoir la modification à envoyer (1)"))
    assert page.locator("h1").inner_text() == "Envoyer l’avancement à Decidim"
    row = page.locator(f'#push-list tr[data-id="{child}"]')
    assert "70\u202f%" in row.inner_text() and "Envoyé par le bridge" in row.inner_text()
    assert (
        "Recalculé par Decidim" in page.locator(f'#push-list tr[data-id="{parent}"]').inner_text()
    )
    assert not axe_violations(page)
    assert sim.world.records["result"][child]["progress"] != 70  # nothing sent before confirming
    size = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
    phone, small = signed_in(browser, base, **size)
    for path in ("", "/envoi"):
        small.goto(f"{base}/admin/committees/accountability/ivry/{component_id}{path}")
        found = small.evaluate(PHONE_CHECK)
        assert found["overflow"] <= 0 and not found["small"], (path, found)
    phone.close()

    click_and_wait(page.get_by_role("button", name="Confirmer : envoyer 1 résultat à Decidim"))
    summary = page.locator("#push-summary").inner_text()
    assert "Decidim a pris la modification" in summary
    outcome = page.locator(f'#push-list tr[data-id="{child}"]').inner_text()
    assert "Fait\u202f: Decidim affiche maintenant 70\u202f%" in outcome
    assert not axe_violations(page)
    page.get_by_role("button", name="Synchroniser ivry maintenant").click()
    page.wait_for_url("**/admin/instances/ivry")
    assert "Synchronisation demandée" in page.get_by_role("status").first.inner_text()
    context.close()

    assert sim.world.records["result"][child]["progress"] == 70
    with sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == ACTION)).one()
    assert entry.after["outcome"] == "done" and entry.after["result"] == child
