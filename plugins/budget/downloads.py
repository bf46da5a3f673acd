"""Downloads: envelopes as CSV (French Excel-friendly), the ledger as CSV, JSON and XLSX, and
the envelopes and their ledger in the Open Contracting (OCDS 1.1) budget vocabulary.

The ledger can be long: its downloads read it in batches and are streamed (the memory they
use does not grow with it, and they stop when the client leaves), except the XLSX, which has a
ceiling of XLSX_MAX_ROWS lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridge.plugin import Export, Problem, iso, spreadsheet_row, utcnow
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Envelope, LedgerLine
from plugins.budget.money import euros

KIND_FR = {
    "commitment": "engagement",
    "payment": "mandatement",
    "cancellation": "annulation",
    "reduction": "réduction",
}
BATCH = 1000  # rows fetched at a time by a download
CHUNK = 64 * 1024  # bytes sent at a time by a streamed download
XLSX_MAX_ROWS = 100_000  # lines an XLSX download holds at most; the CSV has no ceiling


def envelopes_csv(session: Session) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["enveloppe", "montant", "alloué", "engagé", "mandaté", "reste à engager"])
    figures = for_envelopes(session)
    for e in session.scalars(select(Envelope).order_by(Envelope.id)):
        f = figures[e.id]
        writer.writerow(
            spreadsheet_row(
                [e.name]
                + [
                    euros(v).replace(".", ",")
                    for v in (f.amount, f.allocated, f.committed, f.paid, f.remaining)
                ]
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def _ledger(session: Session) -> Iterator[tuple[LedgerLine, str]]:
    """Every line with its envelope's name, read in batches from a server-side cursor (on
    PostgreSQL; SQLite steps through its result), never all at once."""
    query = (
        select(LedgerLine, Envelope.name)
        .join(Envelope, Envelope.id == LedgerLine.envelope_id)
        .order_by(LedgerLine.day, LedgerLine.id)
        .execution_options(yield_per=BATCH)
    )
    yield from session.execute(query)


def _chunks(pieces: Iterable[str]) -> Iterator[bytes]:
    """Text pieces gathered into chunks of about CHUNK bytes: few writes, flat memory."""
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    yield "".join(buffer).encode("utf-8")


LEDGER_HEADER = ["enveloppe", "nature", "date", "montant", "référence", "fournisseur", "libellé"]


def _ledger_cells(line: LedgerLine, envelope: str) -> list:
    """A ledger line as the spreadsheet downloads show it (the CSV and the XLSX), its texts
    unable to run as formulas."""
    return spreadsheet_row(
        [
            envelope,
            KIND_FR[line.kind],
            line.day,
            line.amount_cents / 100,
            line.reference,
            line.supplier,
            line.label,
        ]
    )


def ledger_csv(session: Session) -> Iterator[bytes]:
    """The ledger for French Excel (`;`, decimal commas, 31/12/2024), streamed line by line;
    its header is one the CSV import reads back."""

    def pieces() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(LEDGER_HEADER)
        yield "\ufeff" + out.getvalue()  # the BOM tells Excel it is UTF-8
        for line, name in _ledger(session):
            out.seek(0)
            out.truncate()
            cells = _ledger_cells(line, name)
            cells[2] = line.day.strftime("%d/%m/%Y")
            cells[3] = euros(line.amount_cents).replace(".", ",")
            writer.writerow(cells)
            yield out.getvalue()

    return _chunks(pieces())


def ledger_json(session: Session) -> Iterator[bytes]:
    """`{"items": [...]}`, one line per item, streamed."""

    def pieces() -> Iterator[str]:
        yield '{"items": ['
        for index, (line, name) in enumerate(_ledger(session)):
            item = json.dumps({**line.as_json(), "envelope": name}, ensure_ascii=False)
            yield ("," if index else "") + "\n  " + item
        yield "\n]}\n"

    return _chunks(pieces())


def ledger_xlsx(session: Session) -> bytes:
    """The ledger as a workbook, in openpyxl's write-only mode (rows go to a temporary file,
    not to memory). A workbook is built whole before it is sent: beyond XLSX_MAX_ROWS lines
    the download is refused (the CSV has them all) rather than keep a worker busy."""
    count = session.execute(select(func.count()).select_from(LedgerLine)).scalar_one()
    if count > XLSX_MAX_ROWS:
        raise Problem(
            422,
            f"the ledger holds {count} lines, more than the XLSX download holds "
            f"({XLSX_MAX_ROWS}): download grand-livre.csv (budget-ledger-csv)",
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Grand livre")
    sheet.append(
        ["Enveloppe", "Nature", "Date", "Montant (€)", "Référence", "Fournisseur", "Libellé"]
    )
    for line, name in _ledger(session):
        cells = _ledger_cells(line, name)
        amount = WriteOnlyCell(sheet, cells[3])
        amount.number_format = "#,##0.00"
        cells[3] = amount
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ocds(session: Session) -> Iterator[bytes]:
    """A release package: one release per envelope, `planning.budget` for the envelope and
    one contract per committed allocation line, its payments as implementation transactions.
    Streamed release by release; one envelope's lines are read at a time."""
    now = iso(utcnow())
    head = {
        "uri": "urn:civic-bridge:budget",
        "version": "1.1",
        "publishedDate": now,
        "publisher": {"name": "civic-bridge"},
    }

    def pieces() -> Iterator[str]:
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "releases": ['
        envelopes = session.scalars(select(Envelope).order_by(Envelope.id)).all()
        for index, envelope in enumerate(envelopes):
            release = _release(session, envelope, now)
            yield ("," if index else "") + "\n" + json.dumps(release, ensure_ascii=False)
        yield "\n]}\n"

    return _chunks(pieces())


def _release(session: Session, e: Envelope, now: str) -> dict:
    ocid = f"ocds-civicbridge-envelope-{e.id}"
    commitments: list[LedgerLine] = []
    payments: dict[int | None, list[dict[str, object]]] = {}
    query = (
        select(LedgerLine)
        .where(LedgerLine.envelope_id == e.id)
        .order_by(LedgerLine.day, LedgerLine.id)
        .execution_options(yield_per=BATCH)
    )
    for line in session.scalars(query):
        if line.kind == "commitment":
            commitments.append(line)
        elif line.allocation_id is not None:
            payments.setdefault(line.allocation_id, []).append(
                {
                    "id": line.reference,
                    "date": line.day.isoformat(),
                    "value": {"amount": line.amount_cents / 100, "currency": "EUR"},
                    "payee": {"name": line.supplier},
                }
            )
    contracts = [
        {
            "id": c.reference,
            "title": c.label,
            "status": "active",
            "value": {"amount": c.amount_cents / 100, "currency": "EUR"},
            "dateSigned": c.day.isoformat(),
            "implementation": {"transactions": payments.get(c.allocation_id, [])},
        }
        for c in commitments
    ]
    return {
        "ocid": ocid,
        "id": f"{ocid}-{now}",
        "date": now,
        "tag": ["planning", "contract"],
        "initiationType": "tender",
        "language": "fr",
        "planning": {
            "budget": {
                "id": str(e.id),
                "description": e.name,
                "amount": {"amount": e.amount_cents / 100, "currency": "EUR"},
                "project": e.name,
                "projectID": str(e.id),
            }
        },
        "contracts": contracts,
    }


EXPORTS = [
    Export("budget-envelopes", "enveloppes.csv", "text/csv", envelopes_csv),
    Export("budget-ledger-csv", "grand-livre.csv", "text/csv", ledger_csv),
    Export("budget-ledger", "grand-livre.json", "application/json", ledger_json),
    Export(
        "budget-ledger-xlsx",
        "grand-livre.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ledger_xlsx,
    ),
    Export("budget-ocds", "budget-ocds.json", "application/json", ocds),
]
