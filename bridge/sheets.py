"""Reading a table a person uploads, as cities keep them: an Excel or LibreOffice workbook
(`.xlsx`), or a CSV as a French Excel writes it (`;`-separated, UTF-8 with a BOM or
Windows-1252) or as other tools do (`,` or tab, UTF-8).

Every import of the core and of plugins reads its file through `read_sheets` (plugins import
it from `bridge.plugin`), so a spreadsheet is read one way everywhere and an error names the
place a person can find in their spreadsheet: the sheet, the row number and the column
letter. What the columns mean is the importer's business, not this module's.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from bridge.i18n import N_

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97-2003
NOT_TEXT = N_("the file is not a text CSV (UTF-16 or binary?): save it as CSV UTF-8")


@dataclass
class Sheet:
    """One table: `name` the worksheet's (None for a CSV); `rows` its non-empty rows, each
    with its number as the spreadsheet shows it (1 for the first) and its cells as text,
    stripped (a number as the sheet shows it: 12, 12.5; a day as YYYY-MM-DD)."""

    name: str | None
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


class SheetError(ValueError):
    """The file cannot be read as a table: an English msgid of the core's catalog with its
    variables, to translate where it is shown. A CSV that stops being readable part way (a
    stray quote, a cell over the csv module's limit) says at which `row`, with the rows `read`
    before it, so an importer can report them too."""

    row: int | None = None
    read: Sheet | None = None

    def __init__(self, msgid: str, **variables: Any) -> None:
        self.msgid, self.variables = msgid, variables
        super().__init__(msgid % variables if variables else msgid)


def column_letter(index: int) -> str:
    """The spreadsheet's name of the column at `index` (0 -> "A", 27 -> "AB")."""
    return get_column_letter(index + 1)


def read_sheets(data: bytes, max_rows: int = 100_000) -> list[Sheet]:
    """The tables of an uploaded file: every worksheet of a workbook, in its order, or the
    one table of a CSV. Raises SheetError for a file that is not one, or that has more than
    `max_rows` non-empty rows in a sheet."""
    if not data.strip():
        raise SheetError(N_("the file is empty"))
    if data.startswith(OLE_MAGIC):
        raise SheetError(N_("an Excel 97-2003 file (.xls): save it as .xlsx or as CSV"))
    if data.startswith(ZIP_MAGIC):
        return _workbook(data, max_rows)
    return [_csv(data, max_rows)]


def _workbook(data: bytes, max_rows: int) -> list[Sheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise SheetError(N_("an OpenDocument file (.ods): save it as .xlsx or as CSV"))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise SheetError(N_("not a readable .xlsx workbook")) from None
    try:
        sheets = []
        for worksheet in book.worksheets:
            sheet = Sheet(worksheet.title)
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = [_text(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    _keep(sheet, number, cells, max_rows)
            sheets.append(sheet)
        return sheets
    finally:
        book.close()


def _text(value: Any) -> str:
    """A cell's value as the sheet shows it, in plain text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _csv(data: bytes, max_rows: int) -> Sheet:
    text = decode(data)
    end = text.find("\n")
    first = text[: end if end >= 0 else len(text)]
    delimiter = max(";,\t", key=first.count)  # the header's most used; ";" on ties
    sheet = Sheet(None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:  # a row's number is its record's, as a spreadsheet opening the CSV numbers it
        for number, values in enumerate(reader, start=1):
            cells = [v.strip() for v in values]
            if any(cells):
                _keep(sheet, number, cells, max_rows)
    except csv.Error as error:
        stopped = SheetError(N_("unreadable CSV (%(error)s)"), error=str(error))
        stopped.row, stopped.read = number + 1, sheet
        raise stopped from None
    return sheet


def _keep(sheet: Sheet, number: int, cells: list[str], max_rows: int) -> None:
    if len(sheet.rows) >= max_rows:
        raise SheetError(N_("more than %(count)s rows: split the file"), count=max_rows)
    sheet.rows.append((number, cells))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what spreadsheets write in France."""
    if b"\x00" in data:
        raise SheetError(NOT_TEXT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined (0x81, 0x8d...)
            raise SheetError(NOT_TEXT) from None
