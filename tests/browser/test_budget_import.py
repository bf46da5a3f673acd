"""The finance department's CSV in a real browser: money lands in the envelope chosen.

Regression: after a dry run the form went back to the first envelope while keeping the columns,
so the real import of the same file landed in "Suites de « Pour le climat »" instead of the
envelope of the dry run, and the message did not say where."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plugins.budget.models import Envelope, LedgerLine
from tests.browser.conftest import click_and_wait
from tests.budget.browser_site import (
    CLIMATE,
    COMMUNICATION,
    budget_site,
    sign_in,
    spaced,
)
from tests.budget.ivry_ledger import LINES, SHEET, ledger_workbook
from tests.conftest import _database_url

pytestmark = pytest.mark.browser

LEDGER = (
    "Date;N° pièce;Nature;Montant TTC;Fournisseur\n"
    "03/05/2021;ENG-2021-114;engagement;12 840,00;Imprimerie Grenier\n"
    "17/06/2021;MAN-2021-201;mandatement;12 840,00;Imprimerie Grenier\n"
)


@pytest.fixture
def site(tmp_path):
    with budget_site(_database_url("sqlite", tmp_path)) as made:
        yield made


def lines_by_envelope(site) -> dict[str, list[str]]:
    with site.sessions() as session:
        rows = session.execute(
            select(Envelope.name, LedgerLine.reference)
            .join(Envelope, Envelope.id == LedgerLine.envelope_id)
            .order_by(LedgerLine.id)
        ).all()
    out: dict[str, list[str]] = {}
    for name, reference in rows:
        out.setdefault(name, []).append(reference)
    return out


def test_a_dry_run_then_the_real_import_land_in_the_envelope_chosen(browser, site, tmp_path):
    ledger = tmp_path / "grand-livre.csv"
    ledger.write_text(LEDGER, encoding="cp1252")
    page = browser.new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/admin/budget/")
    page.get_by_label("Enveloppe où importer les lignes").select_option(label=COMMUNICATION)
    page.get_by_label("Fichier CSV du service financier").set_input_files(str(ledger))
    click_and_wait(page.get_by_role("button", name="Importer", exact=True))

    # the result is the top of its own page, focused, and names the envelope
    heading = page.get_by_role("heading", level=1)
    assert spaced(heading.inner_text()) == f"Essai d’import dans « {COMMUNICATION} »"
    status = page.get_by_role("status")
    assert status.evaluate("element => element === document.activeElement")
    assert status.bounding_box()["y"] < 400
    assert "2 lignes nouvelles à importer dans « Communication" in spaced(status.inner_text())
    assert lines_by_envelope(site) == {}

    # the form below keeps the envelope of the dry run: the same file, Essai unticked
    assert page.locator("#envelope option:checked").inner_text() == COMMUNICATION
    page.get_by_label("Fichier CSV du service financier").set_input_files(str(ledger))
    page.get_by_label("Essai : vérifier sans rien écrire").uncheck()
    click_and_wait(page.get_by_role("button", name="Importer", exact=True))
    status = page.get_by_role("status")
    assert "2 lignes importées dans « Communication de la démarche climat »" in spaced(
        status.inner_text()
    )
    assert lines_by_envelope(site) == {COMMUNICATION: ["ENG-2021-114", "MAN-2021-201"]}
    page.close()


def test_the_dry_run_page_imports_that_file_into_that_envelope_only(browser, site, tmp_path):
    ledger = tmp_path / "grand-livre.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    page = browser.new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/admin/budget/")
    page.get_by_label("Enveloppe où importer les lignes").select_option(label=COMMUNICATION)
    page.get_by_label("Fichier CSV du service financier").set_input_files(str(ledger))
    click_and_wait(page.get_by_role("button", name="Importer", exact=True))

    # a form changed since the dry run (here its envelope) is refused whole
    climate = site.envelope_id(CLIMATE)
    answer = page.evaluate(
        """async climate => {
            const form = new FormData(document.getElementById('import-checked'));
            form.set('envelope', climate);
            const url = '/admin/budget/import/checked';
            const answer = await fetch(url, {method: 'POST', body: form});
            return [answer.status, await answer.text()];
        }""",
        str(climate),
    )
    assert answer[0] == 400 and "rien n’a été importé" in answer[1]
    assert lines_by_envelope(site) == {}

    click_and_wait(page.get_by_role("button", name=f"Importer ces lignes dans « {COMMUNICATION} »"))
    assert "2 lignes importées dans « Communication" in spaced(
        page.get_by_role("status").inner_text()
    )
    assert lines_by_envelope(site) == {COMMUNICATION: ["ENG-2021-114", "MAN-2021-201"]}
    page.close()


def test_a_refused_file_keeps_every_field(browser, site, tmp_path):
    bad = tmp_path / "mauvais.csv"
    bad.write_text(
        "Date;Pièce;Nature;Montant\n01/02/2024;E1;engagement;-3\n99/99/2024;E2;engagement;10\n",
        encoding="utf-8",
    )
    page = browser.new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/admin/budget/")
    page.get_by_label("Enveloppe où importer les lignes").select_option(label=COMMUNICATION)
    page.get_by_label("Fichier CSV du service financier").set_input_files(str(bad))
    page.locator("summary", has_text="Colonnes du fichier").click()  # not the admin menu
    page.get_by_label("Référence (n° de pièce)").fill("Pièce")
    page.get_by_label("Essai : vérifier sans rien écrire").uncheck()
    click_and_wait(page.get_by_role("button", name="Importer", exact=True))

    alert = spaced(page.get_by_role("alert").inner_text())
    assert "Rien n’a été importé dans « Communication de la démarche climat »" in alert
    assert "ligne 2 : l’annulation de 3,00 € dépasse ce qu’elle annule" in alert
    assert "ligne 3 : « 99/99/2024 » n’est pas une date" in alert
    assert page.locator("#envelope option:checked").inner_text() == COMMUNICATION
    assert page.get_by_label("Référence (n° de pièce)").input_value() == "Pièce"
    assert not page.get_by_label("Essai : vérifier sans rien écrire").is_checked()
    page.close()


def test_a_workbook_is_checked_refused_in_french_then_imported(browser, site, tmp_path):
    """An .xlsx from the finance officer: a bad cell is named by sheet, row and column and
    nothing is saved; the corrected workbook goes through the dry run, then the import."""
    bad = tmp_path / "grand-livre-brouillon.xlsx"
    bad.write_bytes(ledger_workbook([*LINES[:3], (*LINES[3][:3], "quarante", *LINES[3][4:])]))
    good = tmp_path / "grand-livre.xlsx"
    good.write_bytes(ledger_workbook())
    page = browser.new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/admin/budget/")
    page.get_by_label("Enveloppe où importer les lignes").select_option(label=CLIMATE)
    page.get_by_label("Fichier CSV du service financier, ou classeur Excel").set_input_files(
        str(bad)
    )
    click_and_wait(page.get_by_role("button", name="Importer", exact=True))
    alert = spaced(page.get_by_role("alert").inner_text())
    assert f"feuille « {SHEET} », ligne 7 : « quarante » n’est pas un montant en euros" in alert
    assert "(colonne D, Montant TTC)" in alert
    assert lines_by_envelope(site) == {}

    page.get_by_label("Fichier CSV du service financier, ou classeur Excel").set_input_files(
        str(good)
    )
    click_and_wait(page.get_by_role("button", name="Importer", exact=True))
    assert "4 lignes nouvelles à importer" in spaced(page.get_by_role("status").inner_text())
    assert lines_by_envelope(site) == {}
    click_and_wait(page.get_by_role("button", name=f"Importer ces lignes dans « {CLIMATE} »"))
    assert "4 lignes importées" in spaced(page.get_by_role("status").inner_text())
    assert lines_by_envelope(site) == {CLIMATE: [line[1] for line in LINES]}
    page.close()
