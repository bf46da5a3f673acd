"""The budget's admin pages in a real browser, as a finance officer uses them: say where an
envelope's projects come from, confirm, reject, move and delete proposed allocations (each
confirmation saying what, how much and where), then a local action and its ledger, with a
cancellation.

Regression: a sync filed every selected project of every process under the first envelope,
and a second instance of the same Decidim filed them all again (19 proposals, 7 duplicates)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bridge.delivery import Delivery
from bridge.pluginhost import PluginHost
from bridge.store.models import AuditEntry
from bridge.sync.engine import SyncEngine
from tests.browser.conftest import click_and_wait
from tests.budget.browser_site import CLIMATE, COMMUNICATION, budget_site, sign_in, spaced
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS

pytestmark = pytest.mark.browser


@pytest.fixture
def two_instances(tmp_path):
    with budget_site(_database_url("sqlite", tmp_path), instances=("ivry", "ivry-bis")) as made:
        yield made


def proposed_labels(page) -> list[str]:
    return page.locator("tr.allocation.proposed td:first-child a").all_inner_texts()


def test_proposals_come_once_each_from_the_process_an_envelope_names(browser, two_instances):
    site = two_instances
    page = browser.new_page()
    sign_in(page, site)
    click_and_wait(page.get_by_role("link", name="Budget de suivi"))  # the plugin's menu entry
    assert proposed_labels(page) == []  # no envelope says where its projects come from

    click_and_wait(page.get_by_role("link", name=CLIMATE))
    for instance in ("ivry", "ivry-bis"):
        page.get_by_label(
            f"{instance} — Pour le climat, à Ivry, on agit ! (tout le processus)"
        ).check()
    click_and_wait(page.get_by_role("button", name="Enregistrer les sources"))
    assert "7 allocations proposées" in page.get_by_role("status").inner_text()

    late = next(
        p
        for p in site.world.records["project"].values()
        if p["component"] == "3" and not p["selected"]
    )
    site.world.set_project(late["id"], selected=True)
    host = PluginHost(["budget"])
    engine = SyncEngine(site.sessions, SETTINGS, plugins=host)
    for instance in ("ivry", "ivry-bis"):
        assert engine.run(instance).status == "succeeded"
    Delivery(site.sessions, SETTINGS, host).run()  # the scheduler's next pass

    page.goto(f"{site.url}/admin/budget/")
    labels = proposed_labels(page)
    assert len(labels) == 8 and len(set(labels)) == 8  # each project once, none elsewhere
    envelopes = {
        spaced(name)
        for name in page.locator("tr.allocation.proposed td:nth-child(2)").all_inner_texts()
    }
    assert envelopes == {CLIMATE}
    page.close()


def test_confirm_reject_move_and_delete_proposals_then_a_ledger(browser, tmp_path):
    with budget_site(_database_url("sqlite", tmp_path)) as site:
        page = browser.new_page()
        sign_in(page, site)
        page.goto(f"{site.url}/admin/budget/envelopes/{site.envelope_id(CLIMATE)}")
        page.get_by_label("ivry — Pour le climat, à Ivry, on agit ! (tout le processus)").check()
        click_and_wait(page.get_by_role("button", name="Enregistrer les sources"))
        page.goto(f"{site.url}/admin/budget/?status=proposed")
        first, second, third, fourth = proposed_labels(page)[:4]

        row = page.locator("tr.allocation.proposed").filter(has_text=first)
        click_and_wait(row.get_by_role("button", name="Confirmer"))
        message = spaced(page.get_by_role("status").inner_text())
        assert message.startswith(f"Allocation confirmée : « {first} » : ")
        assert f"€ dans « {CLIMATE} »" in message
        assert first not in proposed_labels(page)  # labels as the page shows them

        row = page.locator("tr.allocation.proposed").filter(has_text=second)
        click_and_wait(row.get_by_role("button", name="Rejeter"))
        assert "Elle ne sera plus proposée" in page.get_by_role("status").inner_text()
        page.goto(f"{site.url}/admin/budget/?status=rejected")
        assert spaced(page.locator("tr.allocation.rejected").all_inner_texts()[0]).startswith(
            spaced(second)
        )
        assert "rejetée" in page.locator("tr.allocation.rejected .badge").inner_text()

        page.goto(f"{site.url}/admin/budget/?status=proposed&q={third[:12]}")
        click_and_wait(page.get_by_role("link", name=third))
        page.get_by_label("Enveloppe de destination").select_option(label=COMMUNICATION)
        click_and_wait(page.get_by_role("button", name="Déplacer l’allocation et ses lignes"))
        assert f"dans « {COMMUNICATION} »" in spaced(page.get_by_role("status").inner_text())

        page.goto(f"{site.url}/admin/budget/?status=proposed&q={fourth[:12]}")
        click_and_wait(page.get_by_role("link", name=fourth))
        click_and_wait(page.get_by_role("link", name="Supprimer l’allocation…"))
        assert spaced(page.get_by_role("heading", level=1).inner_text()) == (
            f"Supprimer l’allocation « {fourth} » ?"
        )
        click_and_wait(page.get_by_role("button", name="Supprimer l’allocation"))
        assert "Allocation supprimée" in page.get_by_role("status").inner_text()
        page.goto(f"{site.url}/admin/budget/")
        assert fourth not in page.locator("#allocations").inner_text()

        # a local action, its commitment, a cancellation too big, then a right one
        click_and_wait(page.get_by_role("link", name="Nouvelle allocation"))
        page.get_by_label("Libellé (obligatoire pour une action locale)").fill("Fresque du quai")
        page.get_by_label("Montant en euros (vide : le montant du projet)").fill("8 000")
        click_and_wait(page.get_by_role("button", name="Enregistrer l’allocation"))
        assert page.get_by_role("heading", level=1).inner_text() == "Fresque du quai"
        page.get_by_label("Date (31/12/2024)").fill("03/04/2024")
        page.get_by_label("Montant en euros", exact=True).fill("2 500,00")
        page.get_by_label("Référence (n° de pièce)").fill("EJ-77")
        click_and_wait(page.get_by_role("button", name="Ajouter la ligne"))
        assert spaced(page.locator("#committed").inner_text()) == "2 500,00 €"

        page.get_by_label("Annulation", exact=True).check()
        page.get_by_label("Date (31/12/2024)").fill("10/05/2024")
        page.get_by_label("Montant en euros", exact=True).fill("3 000")
        page.get_by_label("Référence (n° de pièce)").fill("AN-77")
        page.get_by_label("Porte sur").select_option(label="un engagement")
        click_and_wait(page.get_by_role("button", name="Ajouter la ligne"))
        amount = page.get_by_label("Montant en euros", exact=True)
        assert amount.get_attribute("aria-invalid") == "true"
        assert "l’annulation de 3 000,00 € dépasse ce qu’elle annule" in spaced(
            page.get_by_role("alert").inner_text()
        )
        assert page.get_by_label("Annulation", exact=True).is_checked()  # what was typed stays
        amount.fill("-500")
        click_and_wait(page.get_by_role("button", name="Ajouter la ligne"))
        assert spaced(page.locator("#committed").inner_text()) == "2 000,00 €"
        row = page.locator("#ledger tr.line.cancellation")
        assert "annulation d’engagement" in row.inner_text()
        assert "-500,00 €" in spaced(row.inner_text())

        # a line dated before the envelope's years is flagged on the line and the envelope
        page.get_by_label("Engagement", exact=True).check()
        page.get_by_label("Date (31/12/2024)").fill("15/01/2019")
        page.get_by_label("Montant en euros", exact=True).fill("100")
        page.get_by_label("Référence (n° de pièce)").fill("EJ-2019")
        click_and_wait(page.get_by_role("button", name="Ajouter la ligne"))
        row = page.locator("#ledger tr").filter(has_text="EJ-2019")
        assert "hors des années" in row.inner_text()
        click_and_wait(page.get_by_role("link", name=CLIMATE).first)
        assert "1 ligne datée hors des années de l’enveloppe" in page.inner_text("main")
        page.close()
        with site.sessions() as session:
            actions = [a for (a,) in session.execute(select(AuditEntry.action))]
        assert {"budget.allocation.delete", "budget.envelope.sources"} <= set(actions)
