"""The ledger import reads an .xlsx workbook as it reads the French Excel CSV (through the
bridge's `read_sheets`): the header under a title row of the first sheet that has one, Excel
dates and numbers; a bad cell is named by sheet, row and column, in French on the page, and
nothing is saved; the page's dry run then import, and the command, take the workbook too."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from bridge.timeutil import utcnow
from plugins.budget import csvimport
from plugins.budget.models import Envelope, LedgerLine
from tests.budget.french import fr
from tests.budget.ivry_ledger import LINES, SHEET, ledger_workbook
from tests.budget.test_import import bridge

ENVELOPE = "Suites de « Pour le climat, à Ivry, on agit ! »"
BAD = [
    *LINES[:2],
    (datetime(2023, 2, 10), "ENG-2023-014", "engagement", "dix mille", "Ateliers Vélo Ivry", ""),
    ("31/02/2023", "MAN-2023-102", "mandatement", 42500.25, "Ateliers Vélo Ivry", ""),
]


def test_a_workbook_reads_like_the_csv():
    report = csvimport.read(ledger_workbook())
    assert report.ok, report.errors
    assert [(r.line, r.kind, r.day, r.amount_cents, r.reference) for r in report.rows] == [
        (4, "commitment", date(2022, 3, 15), 12_000_000, "ENG-2022-001"),
        (5, "payment", date(2022, 5, 2), 6_000_000, "MAN-2022-001"),
        (6, "commitment", date(2023, 2, 10), 8_500_050, "ENG-2023-014"),
        (7, "payment", date(2023, 9, 28), 4_250_025, "MAN-2023-102"),
    ]
    assert report.rows[0].supplier == "Pépinières du Val-de-Marne"
    assert report.rows[0].label == "Arbres fruitiers"


def test_bad_cells_are_named_by_sheet_row_and_column():
    report = csvimport.read(ledger_workbook(BAD))
    assert [e.line for e in report.errors] == [6, 7]
    assert str(report.errors[0]).startswith(f'sheet "{SHEET}", line 6: not an amount in euros')
    said = fr(report.errors[0])
    assert said.startswith(
        f"feuille « {SHEET} », ligne 6 : « dix mille » n’est pas un montant en euros"
    )
    assert said.endswith("(colonne D, Montant TTC)")
    assert fr(report.errors[1]).startswith(f"feuille « {SHEET} », ligne 7 : « 31/02/2023 »")
    assert fr(report.errors[1]).endswith("(colonne A, Date)")


def test_a_missing_column_names_the_header_found():
    book = ledger_workbook([])
    report = csvimport.read(book, mapping={"amount": "Montant HT"})
    [problem] = report.errors
    assert problem.line == 3  # the row naming most columns, not the notes sheet's first
    assert str(problem).startswith(f'sheet "{SHEET}", line 3: missing column: amount (found: Date')


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "Excel 97-2003"),
        (b"PK\x03\x04 broken", "not a readable .xlsx workbook"),
    ],
)
def test_files_that_are_no_workbook_are_refused(data, said):
    report = csvimport.read(data)
    assert not report.ok and said in str(report.errors[0])


@pytest.fixture
def client_for(client_for, sessions):
    with sessions() as session:
        session.add(
            Envelope(
                name=ENVELOPE,
                amount_cents=70_000_000,
                year_start=2022,
                year_end=2026,
                created_at=utcnow(),
            )
        )
        session.commit()
    return client_for


def _lines(sessions) -> list[tuple[str, int]]:
    with sessions() as session:
        return session.execute(
            select(LedgerLine.reference, LedgerLine.amount_cents).order_by(LedgerLine.id)
        ).all()


def _post(client, data: bytes, **fields):
    return client.post(
        "/admin/budget/import",
        data={
            "csrf_token": client.csrf,
            "envelope": "1",
            "file": (io.BytesIO(data), "grand-livre.xlsx"),
            **fields,
        },
        content_type="multipart/form-data",
    )


def test_the_page_checks_then_imports_a_workbook(client_for, sessions):
    editor = client_for("editor")
    dry = _post(editor, ledger_workbook(), dry_run="1")
    page = dry.get_data(as_text=True).replace("\u202f", " ")
    assert dry.status_code == 200
    assert "4 lignes nouvelles à importer dans « Suites de « Pour le climat" in page
    assert _lines(sessions) == []  # a dry run writes nothing
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.split('id="import-checked"')[1]))
    done = editor.post("/admin/budget/import/checked", data={**fields, "csrf_token": editor.csrf})
    assert "4 lignes importées" in done.get_data(as_text=True).replace("\u202f", " ")
    assert _lines(sessions) == [
        ("ENG-2022-001", 12_000_000),
        ("MAN-2022-001", 6_000_000),
        ("ENG-2023-014", 8_500_050),
        ("MAN-2023-102", 4_250_025),
    ]


def test_the_page_refuses_a_bad_workbook_in_french_and_saves_nothing(client_for, sessions):
    editor = client_for("editor")
    refused = _post(editor, ledger_workbook(BAD))
    page = refused.get_data(as_text=True).replace("\u202f", " ").replace("&#39;", "'")
    assert "Rien n’a été importé dans" in page
    assert f"feuille « {SHEET} », ligne 6 : « dix mille » n’est pas un montant en euros" in page
    assert "(colonne D, Montant TTC)" in page and "(colonne A, Date)" in page
    with sessions() as session:
        assert session.scalar(select(func.count(LedgerLine.id))) == 0


def test_the_command_imports_a_workbook(tmp_path):
    url = f"sqlite:///{tmp_path}/bridge.db"
    assert bridge("db", "upgrade", url=url).returncode == 0
    added = bridge("budget", "envelope", "add", ENVELOPE, "--amount", "700000", url=url)
    assert added.returncode == 0, added.stderr
    bad = tmp_path / "mauvais.xlsx"
    bad.write_bytes(ledger_workbook(BAD))
    refused = bridge("budget", "import", str(bad), "--envelope", ENVELOPE, url=url)
    assert refused.returncode == 1
    assert f'sheet "{SHEET}", line 6: not an amount in euros' in refused.stderr
    good = tmp_path / "grand-livre.xlsx"
    good.write_bytes(ledger_workbook())
    done = bridge("budget", "import", str(good), "--envelope", ENVELOPE, url=url)
    assert done.returncode == 0 and "imported 4 line(s); 0 already" in done.stdout, done.stderr
    again = bridge("budget", "import", str(good), "--envelope", ENVELOPE, url=url)
    assert "imported 0 line(s); 4 already" in again.stdout
