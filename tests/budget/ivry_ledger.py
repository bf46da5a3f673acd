"""A finance officer's workbook for Ivry's 700 000 € follow-up budget ("Suites de « Pour le
climat, à Ivry, on agit ! »", 2022-2026), as the accounts software exports it and a person
tidies it in Excel: a "Lisez-moi" sheet first, then the ledger under a title row, dates as
Excel dates, amounts as numbers, French headers and kinds."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook

SHEET = "Grand livre 2022-2024"
TITLE = "Suites de « Pour le climat, à Ivry, on agit ! » : engagements et mandatements"
HEADER = ["Date", "N° pièce", "Nature", "Montant TTC", "Fournisseur", "Libellé"]
LINES = [
    (
        datetime(2022, 3, 15),
        "ENG-2022-001",
        "engagement",
        120000,
        "Pépinières du Val-de-Marne",
        "Arbres fruitiers",
    ),
    (
        datetime(2022, 5, 2),
        "MAN-2022-001",
        "mandatement",
        60000,
        "Pépinières du Val-de-Marne",
        "Acompte",
    ),
    (
        datetime(2023, 2, 10),
        "ENG-2023-014",
        "engagement",
        85000.5,
        "Ateliers Vélo Ivry",
        "Stationnements vélos",
    ),
    (
        datetime(2023, 9, 28),
        "MAN-2023-102",
        "mandatement",
        42500.25,
        "Ateliers Vélo Ivry",
        "Première tranche",
    ),
]


def ledger_workbook(lines: list[tuple] | None = None) -> bytes:
    """The workbook's bytes: the ledger's header on row 3 of its sheet, its lines below."""
    book = Workbook()
    notes = book.active
    notes.title = "Lisez-moi"
    notes["A1"] = "Export du logiciel financier, retouché à la main : ne pas trier."
    ledger = book.create_sheet(SHEET)
    ledger.append([TITLE])
    ledger.append([])
    ledger.append(HEADER)
    for line in LINES if lines is None else lines:
        ledger.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
