"""A workbook that feels like Ivry's mid-mandate booklet of December 2023, built with openpyxl
as a city's staff would keep it: a sheet of instructions first, then the commitments under a
title row, numbers typed as numbers, statuses in the booklet's words (fait, en cours, restant à
faire), a date column, a comment column."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook

from plugins.commitments.demo import COMMITMENTS

WORDS = {
    "done": "Fait",
    "in_progress": "En cours",
    "on_hold": "En attente",
    "broken": "Abandonné",
    "not_started": "Restant à faire",
}
SHEET = "Engagements 2020-2026"


def workbook(rows: list[list[object]] | None = None) -> bytes:
    """The booklet's commitments, or `rows` under the same header."""
    book = Workbook()
    notes = book.active
    notes.title = "Mode d’emploi"
    notes.append(["Une ligne par engagement ; le statut en toutes lettres."])
    sheet = book.create_sheet(SHEET)
    sheet.append(["Projet municipal « Ensemble pour Ivry » — bilan de mi-mandat"])
    sheet.append([])
    sheet.append(["N°", "Thème", "Engagement", "Avancement", "Mis à jour le", "Commentaire"])
    if rows is None:
        rows = [
            [number, theme, title, WORDS[status], datetime(2023, 12, 1), why]
            for number, (theme, title, status, why) in enumerate(COMMITMENTS, start=1)
        ]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
