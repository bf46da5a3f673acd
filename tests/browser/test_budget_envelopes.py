"""An envelope's page in a real browser with JavaScript off: its figures, a line without
allocation found, moved, then deleted after a confirmation page; edit, close, reopen, and
delete when empty."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bridge.store.models import AuditEntry
from plugins.budget.models import Envelope, LedgerLine
from tests.browser.conftest import click_and_wait
from tests.budget.browser_site import CLIMATE, COMMUNICATION, budget_site, sign_in, spaced
from tests.conftest import _database_url

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path):
    with budget_site(_database_url("sqlite", tmp_path)) as made:
        yield made


@pytest.fixture
def page(browser, site):
    context = browser.new_context(java_script_enabled=False)  # every step works without it
    made = context.new_page()
    sign_in(made, site)
    yield made
    context.close()


def test_a_line_without_allocation_is_found_moved_and_deleted_after_asking(page, site):
    page.goto(f"{site.url}/admin/budget/envelopes/{site.envelope_id(COMMUNICATION)}")
    form = page.locator("#line-form")
    form.get_by_label("Date (31/12/2024)").fill("03/05/2021")
    form.get_by_label("Montant en euros", exact=True).fill("12 840")
    form.get_by_label("Référence (n° de pièce)").fill("ENG-2021-114")
    form.get_by_label("Fournisseur").fill("Imprimerie Grenier")
    click_and_wait(form.get_by_role("button", name="Ajouter la ligne"))
    assert spaced(page.locator("#committed").inner_text()) == "12 840,00 €"
    assert "Des lignes n’ont pas d’allocation" in spaced(page.inner_text("main"))

    filters = page.get_by_role("search", name="Filtrer les lignes")
    filters.get_by_label("Allocation").select_option("none")
    click_and_wait(filters.get_by_role("button", name="Filtrer"))
    rows = page.locator("#ledger tbody tr")
    assert rows.count() == 1 and "sans allocation" in rows.first.inner_text()

    click_and_wait(rows.first.get_by_role("link", name="Voir ou déplacer la ligne ENG-2021-114"))
    page.get_by_label("Vers").select_option(label=f"{CLIMATE} — sans allocation")
    click_and_wait(page.get_by_role("button", name="Déplacer"))
    assert "déplacée dans « Suites de « Pour le climat » »" in spaced(
        page.get_by_role("status").inner_text()
    )
    with site.sessions() as session:
        moved = session.scalar(select(LedgerLine))
        assert moved.envelope_id == site.envelope_id(CLIMATE)

    click_and_wait(page.get_by_role("link", name="Supprimer la ligne…"))
    assert spaced(page.get_by_role("heading", level=1).inner_text()) == (
        "Supprimer la ligne ENG-2021-114 ?"
    )
    facts = spaced(page.locator("dl.facts").inner_text())
    assert "12 840,00 €" in facts and "Imprimerie Grenier" in facts and "03/05/2021" in facts
    click_and_wait(page.get_by_role("link", name="Annuler, revenir en arrière"))
    with site.sessions() as session:
        assert session.scalar(select(LedgerLine)) is not None  # going back deletes nothing

    page.goto(f"{site.url}/admin/budget/envelopes/{site.envelope_id(CLIMATE)}")
    click_and_wait(page.get_by_role("link", name="Supprimer la ligne ENG-2021-114"))
    click_and_wait(page.get_by_role("button", name="Supprimer la ligne"))
    assert "Ligne ENG-2021-114 (12 840,00 €) supprimée" in spaced(
        page.get_by_role("status").inner_text()
    )
    with site.sessions() as session:
        assert session.scalar(select(LedgerLine)) is None
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "budget.ledger.delete")
        )
        assert entry.before["reference"] == "ENG-2021-114"


def test_edit_close_reopen_and_delete_an_empty_envelope(page, site):
    page.goto(f"{site.url}/admin/budget/envelopes/{site.envelope_id(COMMUNICATION)}")
    edit = page.locator("#edit-form")
    edit.get_by_label("Montant en euros").fill("beaucoup")
    click_and_wait(edit.get_by_role("button", name="Enregistrer"))
    assert edit.get_by_label("Montant en euros").get_attribute("aria-invalid") == "true"
    assert edit.get_by_label("Montant en euros").input_value() == "beaucoup"
    summary = page.get_by_role("alert")  # where the eye is: the top of the page, focused
    assert "« beaucoup » n’est pas un montant en euros" in spaced(summary.inner_text())
    assert summary.bounding_box()["y"] < 400
    assert page.evaluate("document.activeElement.id") == "error-summary"
    edit.get_by_label("Nom").fill("Communication climat 2021")
    edit.get_by_label("Montant en euros").fill("120 000")
    click_and_wait(edit.get_by_role("button", name="Enregistrer"))
    assert page.get_by_role("heading", level=1).inner_text() == "Communication climat 2021"
    assert spaced(page.locator("#amount").inner_text()) == "120 000,00 €"

    click_and_wait(page.get_by_role("button", name="Clore l’enveloppe"))
    assert "close" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("#line-form").count() == 0  # a closed envelope takes no new line
    page.goto(f"{site.url}/admin/budget/")
    options = page.locator("#envelope option").all_inner_texts()
    assert "Communication climat 2021" not in options  # nor an import
    page.goto(f"{site.url}/admin/budget/envelopes/{site.envelope_id('Communication climat 2021')}")
    click_and_wait(page.get_by_role("button", name="Rouvrir l’enveloppe"))
    assert page.locator("#line-form").count() == 1

    click_and_wait(page.get_by_role("link", name="Supprimer l’enveloppe"))
    assert "Supprimer l’enveloppe « Communication climat 2021 » ?" in spaced(
        page.get_by_role("heading", level=1).inner_text()
    )
    click_and_wait(page.get_by_role("button", name="Supprimer l’enveloppe"))
    assert "supprimée" in page.get_by_role("status").inner_text()
    with site.sessions() as session:
        names = session.scalars(select(Envelope.name)).all()
    assert names == [CLIMATE]

    # an envelope with allocations offers no delete, and says why
    page.goto(f"{site.url}/admin/budget/envelopes/{site.envelope_id(CLIMATE)}")
    page.get_by_label("ivry — Pour le climat, à Ivry, on agit ! (tout le processus)").check()
    click_and_wait(page.get_by_role("button", name="Enregistrer les sources"))
    assert page.get_by_role("link", name="Supprimer l’enveloppe").count() == 0
    assert "déplacez ou supprimez d’abord ses allocations" in page.inner_text("main")


def test_an_envelopes_figures_each_fit_one_line_on_a_phone(page, site):
    """At 375 px "700 000,00 €" broke before its euro sign in a half-width box."""
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{site.url}/admin/budget/envelopes/{site.envelope_id(CLIMATE)}")
    lines = page.eval_on_selector_all(
        "dl.figures dd",
        """dds => dds.map(dd => {
            const range = document.createRange();
            range.selectNodeContents(dd);
            return [dd.textContent, new Set([...range.getClientRects()].map(r => r.top)).size];
        })""",
    )
    assert len(lines) == 5 and all(count == 1 for _, count in lines), lines
