"""Commitments from a workbook as cities keep them (Excel, LibreOffice): the same plan and
apply as a CSV, the sheet with the header found under its title, errors named by sheet, row
and column letter in French, through the page and the command line; and the CSV a French
Excel writes (`;`, BOM or Windows-1252) through the same reader."""

from __future__ import annotations

import base64
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bridge.plugin import SheetError, read_sheets
from plugins.commitments import sheetimport, writes
from plugins.commitments.demo import COMMITMENTS
from plugins.commitments.models import Commitment, StatusChange
from plugins.commitments.words import place, say
from tests.cli.test_cli import bridge
from tests.commitments.ivry_workbook import SHEET, workbook

NNBSP = "\u202f"


@pytest.fixture
def mandate(bridge_host):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        return writes.add_mandate(s, context, "Mandat municipal 2020-2026")


def test_the_mid_mandate_workbook_is_planned_then_applied(bridge_host, sessions, mandate):
    context = bridge_host.context("commitments")
    data = workbook()
    with sessions() as s:
        planned = sheetimport.plan(s, mandate, data)
    assert planned.ok, planned.problems
    assert planned.sheet == SHEET
    assert planned.count("create") == len(COMMITMENTS)
    first = planned.lines[0]
    assert first.line == 4 and first.ref == "1"  # the header is on row 3, under a title
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Commitment)) == 0
    with context.transaction() as s:
        sheetimport.apply(s, context, s.merge(mandate), planned)
    with sessions() as s:
        stored = {c.ref: c for c in s.scalars(select(Commitment))}
        assert len(stored) == len(COMMITMENTS)
        theme, title, status, why = COMMITMENTS[0]
        assert (stored["1"].theme, stored["1"].title, stored["1"].status) == (
            theme,
            title,
            status,
        )
        reasons = set(s.scalars(select(StatusChange.reason)))
        assert why in reasons
    with sessions() as s:  # the same workbook again: nothing to do
        again = sheetimport.plan(s, mandate, data)
    assert again.ok and again.count("unchanged") == len(COMMITMENTS)


def test_errors_name_the_sheet_row_and_column_in_french(sessions, mandate):
    data = workbook(
        [
            [1, "Mobilités", "Créer 10 km de pistes cyclables", "En cours", None, ""],
            [2, "", "Sans thème", "Fait", None, ""],
            [3, "Climat", "Planter 2 000 arbres", "Bof", None, ""],
            [1, "Climat", "Doublon", "Fait", None, ""],
        ]
    )
    with sessions() as s:
        planned = sheetimport.plan(s, mandate, data)
    said = [
        f"{place(planned.sheet, p.line, p.column)}: {say(p.msgid, p.variables)}"
        for p in planned.problems
    ]
    assert said == [
        f"feuille «{NNBSP}{SHEET}{NNBSP}», ligne 5, colonne B (Thème): la colonne thème est vide",
        f"feuille «{NNBSP}{SHEET}{NNBSP}», ligne 6, colonne D (Avancement): "
        f"statut inconnu{NNBSP}: «{NNBSP}Bof{NNBSP}»",
        f"feuille «{NNBSP}{SHEET}{NNBSP}», ligne 7, colonne A (N°): "
        "le numéro 1 figure aussi ligne 4",
    ]


def test_a_workbook_without_the_columns_names_its_first_sheet(sessions, mandate):
    book = Workbook()
    book.active.title = "Feuil1"
    book.active.append(["Nom", "Valeur"])
    out = io.BytesIO()
    book.save(out)
    with sessions() as s:
        planned = sheetimport.plan(s, mandate, out.getvalue())
    [problem] = planned.problems
    assert planned.sheet == "Feuil1" and problem.line == 1
    assert say(problem.msgid, problem.variables) == (
        f"colonne(s) manquante(s){NNBSP}: numéro, thème, engagement, statut"
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003 (.xls)"),
        (b"PK\x03\x04 not really a zip", "classeur .xlsx illisible"),
        ("Numéro;Thème".encode("utf-16"), "pas un CSV texte"),
        (b"   \n", "le fichier est vide"),
    ],
)
def test_files_that_are_no_table_are_refused_in_french(sessions, mandate, data, words):
    with sessions() as s:
        planned = sheetimport.plan(s, mandate, data)
    [problem] = planned.problems
    assert words in say(problem.msgid, problem.variables)


def test_the_reader_reads_a_french_excel_csv_and_keeps_row_numbers():
    text = "N°;Thème;Engagement\r\n1;Mobilités;« Vélo » partout\r\n\r\n2;Écoles;Rénover\r\n"
    for data in (("\ufeff" + text).encode("utf-8"), text.encode("cp1252")):
        [sheet] = read_sheets(data)
        assert sheet.name is None
        assert sheet.rows == [
            (1, ["N°", "Thème", "Engagement"]),
            (2, ["1", "Mobilités", "« Vélo » partout"]),
            (4, ["2", "Écoles", "Rénover"]),
        ]
    with pytest.raises(SheetError):
        read_sheets(b"a;b\n1;2\n3;4\n", max_rows=2)


def test_the_page_previews_a_workbook_then_applies_it(client_for, sessions, mandate):
    editor = client_for("editor")
    checked = editor.post(
        "/admin/commitments/import",
        data={
            "csrf_token": editor.csrf,
            "mandate": mandate.id,
            "file": (io.BytesIO(workbook()), "bilan-mi-mandat.xlsx"),
        },
        content_type="multipart/form-data",
    )
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert f"feuille «{NNBSP}{SHEET}{NNBSP}»" in html
    assert f"{len(COMMITMENTS)} à créer" in html
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Commitment)) == 0
    applied = editor.post(
        "/admin/commitments/import/apply",
        data={
            "csrf_token": editor.csrf,
            "mandate": mandate.id,
            "content": base64.b64encode(workbook()).decode(),
            "filename": "bilan-mi-mandat.xlsx",
        },
    )
    assert applied.status_code == 302
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Commitment)) == len(COMMITMENTS)
    bad = workbook([[1, "Climat", "Planter", "Bof", None, ""]])
    refused = editor.post(
        "/admin/commitments/import",
        data={
            "csrf_token": editor.csrf,
            "mandate": mandate.id,
            "file": (io.BytesIO(bad), "faux.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "ligne 4, colonne D (Avancement)" in refused.get_data(as_text=True)


def test_the_command_line_imports_a_workbook(database_url, sessions, mandate, tmp_path):
    path = tmp_path / "bilan.xlsx"
    path.write_bytes(workbook([[1, "Climat", "Planter 2 000 arbres", "Bof", None, ""]]))
    args = ("commitments", "import", str(path), "--mandate", "Mandat municipal 2020-2026")
    refused = bridge(*args, "--apply", database_url=database_url)
    assert refused.returncode == 1
    assert (
        f"feuille «{NNBSP}{SHEET}{NNBSP}», ligne 4, colonne D (Avancement){NNBSP}: "
        f"statut inconnu{NNBSP}: «{NNBSP}Bof{NNBSP}»"
    ) in refused.stderr
    path.write_bytes(workbook())
    bridge(*args, "--apply", database_url=database_url, check=True)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Commitment)) == len(COMMITMENTS)
