"""The finance department's CSV: what is accepted, what is refused and why, nothing half-done."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from plugins.budget import csvimport
from tests.budget.french import fr

GOOD = (
    "Date;Référence;Kind;Montant;Fournisseur;Libellé\n"
    "15/03/2022;ENG-2022-001;engagement;120 000,00;Pépinières du Val-de-Marne;Arbres fruitiers\n"
    "02/05/2022;MAN-2022-001;mandatement;60 000,00;Pépinières du Val-de-Marne;Acompte\n"
    "2022-09-30;ENG-2022-002;commitment;85000;Vélo Services;Stationnements vélos\n"
)


def test_a_clean_file_in_french_formats():
    report = csvimport.read(GOOD.encode("utf-8"))
    assert report.ok, report.errors
    assert [(r.kind, r.amount_cents) for r in report.rows] == [
        ("commitment", 12000000),
        ("payment", 6000000),
        ("commitment", 8500000),
    ]
    assert report.rows[0].supplier == "Pépinières du Val-de-Marne"


def test_windows_1252_and_commas_and_any_column_order():
    text = 'amount,kind,reference,date,label\n"1 500,50",mandatement,M-1,31/12/2024,Réparation\n'
    report = csvimport.read(text.encode("cp1252"))
    assert report.ok, report.errors
    assert report.rows[0].label == "Réparation" and report.rows[0].amount_cents == 150050


def test_tab_separated_exports_with_english_thousands():
    text = "Date\tRéférence\tNature\tMontant\r\n2024-03-01\tEJ-9\tEngagement\t1,234.56\r\n"
    report = csvimport.read(text.encode("utf-8-sig"))
    assert report.ok, report.errors
    assert (report.rows[0].reference, report.rows[0].amount_cents) == ("EJ-9", 123456)


def test_headers_of_a_french_finance_export():
    text = (
        "Date d’engagement;N° engagement;Type d'opération;Bénéficiaire;Désignation;"
        "Montant HT;Montant TTC\n"
        "04/03/2024;EJ-2024-17;Engagement;Ateliers Vélo Ivry;Abris vélos;1 000,00;1 200,00\n"
    )
    report = csvimport.read(text.encode("cp1252"))
    assert report.ok, report.errors
    row = report.rows[0]
    assert (row.reference, row.supplier, row.label) == (
        "EJ-2024-17",
        "Ateliers Vélo Ivry",
        "Abris vélos",
    )
    assert row.amount_cents == 120000  # TTC is read when both are there


def test_dates_with_times_and_other_words_for_the_kind():
    text = (
        "date;reference;kind;amount\n31/12/2024 00:00:00;A;Mandat;10\n"
        "2024-12-30T00:00;B;Engagement juridique;10\n"
    )
    report = csvimport.read(text.encode())
    assert report.ok, report.errors
    assert [(r.kind, r.day.isoformat()) for r in report.rows] == [
        ("payment", "2024-12-31"),
        ("commitment", "2024-12-30"),
    ]


def test_a_configured_column_mapping():
    text = "Date mandat;N° pièce;Nature;Montant TTC\n01/02/2023;P1;mandatement;10\n"
    report = csvimport.read(
        text.encode(),
        mapping={
            "date": "Date mandat",
            "reference": "N° pièce",
            "kind": "Nature",
            "amount": "Montant TTC",
        },
    )
    assert report.ok, report.errors


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"date;reference;amount\n01/01/2024;R1;10\n", "line 1: missing column: kind"),
        ("hello".encode("utf-16"), "line 1: the file is not a text CSV"),
        (b"", "line 1: the file is empty"),
        (b"date;reference;kind;amount\n", "line 2: the file has a header but no row"),
        (
            b"date;reference;kind;amount\n01/01/2024;R1;annulation;10\n",
            "line 2: say whether the cancellation applies to a commitment or a payment",
        ),
        (
            b"date;reference;kind;amount\n01/01/2024;R1;engagement;dix euros\n",
            "line 2: not an amount in euros",
        ),
        (
            b"date;reference;kind;amount\n31/02/2024;R1;engagement;10\n",
            "line 2: not a date",
        ),
        (
            b"date;reference;kind;amount\n01/01/2024;R1;devis;10\n",
            "line 2: kind 'devis' is not commitment, payment, cancellation or reduction",
        ),
        (
            b"date;reference;kind;amount\n01/01/2024;;engagement;10\n",
            "line 2: reference is empty",
        ),
        (
            b"date;reference;kind;amount\n01/01/2024;R1;engagement;10\n"
            b"02/01/2024;R1;engagement;20\n",
            "line 3: duplicate reference 'R1' (also line 2)",
        ),
    ],
)
def test_bad_files_name_each_bad_line(content, expected):
    report = csvimport.read(content)
    assert not report.ok
    assert any(str(e).startswith(expected) for e in report.errors), report.errors


def test_every_bad_row_is_reported_not_just_the_first():
    text = (
        "date;reference;kind;amount\n01/01/2024;A;engagement;x\n"
        "01/01/2024;B;engagement;10\n99/99/2024;C;engagement;10\n"
    )
    report = csvimport.read(text.encode())
    assert [e.line for e in report.errors] == [2, 4]
    assert str(report.errors[0]).startswith("line 2: not an amount in euros: 'x'")
    assert fr(report.errors[0]).startswith("ligne 2 : « x » n’est pas un montant")


def bridge(*args, url, input_file=None):
    env = {**os.environ, "BRIDGE_DATABASE_URL": url, "BRIDGE_PLUGINS": "budget"}
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_the_cli_contract(tmp_path):
    url = f"sqlite:///{tmp_path}/bridge.db"
    assert bridge("db", "upgrade", url=url).returncode == 0
    added = bridge(
        "budget",
        "envelope",
        "add",
        "Suites du vote climat",
        "--amount",
        "700000",
        "--year",
        "2022",
        url=url,
    )
    assert added.returncode == 0, added.stderr
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD.encode("utf-8"))
    dry = bridge(
        "budget", "import", str(good), "--envelope", "Suites du vote climat", "--dry-run", url=url
    )
    assert dry.returncode == 0 and "would import 3" in dry.stdout
    first = bridge("budget", "import", str(good), "--envelope", "Suites du vote climat", url=url)
    assert first.returncode == 0 and "imported 3 line(s); 0 already" in first.stdout
    assert "envelope 'Suites du vote climat'" in first.stdout  # says where the lines went
    again = bridge("budget", "import", str(good), "--envelope", "Suites du vote climat", url=url)
    assert again.returncode == 0 and "imported 0 line(s); 3 already" in again.stdout

    bad = tmp_path / "bad.csv"
    bad.write_bytes((GOOD + "01/01/2024;ENG-9;engagement;-300 000;X;Y\n").encode("utf-8"))
    refused = bridge("budget", "import", str(bad), "--envelope", "Suites du vote climat", url=url)
    assert refused.returncode != 0
    assert (
        "line 5: the cancellation of 300000.00 is more than the commitment it applies to "
        "(205000.00 left)" in refused.stderr
    )
    listing = bridge("budget", "envelope", "list", url=url).stdout
    assert "committed 205000.00" in listing and "paid 60000.00" in listing  # nothing added

    allocated = bridge(
        "budget",
        "allocate",
        "Suites du vote climat",
        "--amount",
        "120 000",
        "--label",
        "Arbres fruitiers",
        "--theme",
        "Végétalisation",
        url=url,
    )
    assert allocated.returncode == 0 and "120000.00 EUR to Arbres fruitiers" in allocated.stdout
    linked = tmp_path / "linked.csv"
    linked.write_bytes(
        b"date;reference;kind;amount;allocation\n"
        b"01/06/2023;MAN-2023-050;mandatement;20 000;Arbres fruitiers\n"
        b"01/06/2023;MAN-2023-051;mandatement;5;Nulle part\n"
    )
    unknown = bridge(
        "budget", "import", str(linked), "--envelope", "Suites du vote climat", url=url
    )
    assert unknown.returncode != 0 and "line 3: no allocation 'Nulle part'" in unknown.stderr
    assert (
        bridge("budget", "allocate", "Nope", "--amount", "1", "--label", "x", url=url).returncode
        != 0
    )

    from bridge.app import create_app
    from bridge.config import Settings

    client = create_app(Settings(database_url=url, plugins={"enabled": ["budget"]})).test_client()
    [envelope] = client.get("/api/v1/budget/envelopes").get_json()["items"]
    assert envelope == {
        **envelope,
        "name": "Suites du vote climat",
        "amount": "700000.00",
        "allocated": "120000.00",
        "committed": "205000.00",
        "paid": "60000.00",
        "remaining": "495000.00",
    }
