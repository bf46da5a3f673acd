"""Cells for spreadsheets (CSV, XLSX): text that a spreadsheet would run as a formula is made
inert, the way OWASP describes for CSV injection.

Envelope names, suppliers and labels come from people and from imported files; the exports
reach every citizen who opens the open-data file. A cell that starts with = + - @ (or a tab,
a carriage return or a line feed), even after leading spaces or quotes, is read as a formula
by Excel, LibreOffice or Google Sheets (`=HYPERLINK(...)` sends the sheet's data away). Such
text gets a leading single quote, which spreadsheets show as text. Numbers stay numbers: a
number is never neutralised, nor is a text that is only a plain number ("-12,50"), so a
negative amount is still summed by the spreadsheet.

Every export, core or plugin, passes its cells through `cell` (or `row`); plugins import it
from `bridge.plugin`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# What a spreadsheet reads as the start of a formula or a command (the full-width forms are
# turned into the ASCII ones by some spreadsheets' input methods).
TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
# What may stand in front of a trigger and still let it be read as one.
LEADING = " \u00a0\u202f\"'"
PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def cell(value: Any) -> Any:
    """`value` as a spreadsheet should hold it: numbers, dates and None unchanged; text that
    would be a formula prefixed with a single quote."""
    if not isinstance(value, str) or not value:
        return value
    if PLAIN_NUMBER.fullmatch(value):
        return value
    if value[0] in TRIGGERS or value.lstrip(LEADING)[:1] in TRIGGERS:
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    """A row of cells, each made safe by `cell`."""
    return [cell(value) for value in values]
