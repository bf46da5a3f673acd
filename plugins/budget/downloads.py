"""Downloads: envelopes as CSV (French Excel-friendly), the ledger as JSON and XLSX, and the
envelopes and their ledger in the Open Contracting (OCDS 1.1) budget vocabulary."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import Export
from bridge.timeutil import iso, utcnow
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Envelope, LedgerLine
from plugins.budget.money import euros

KIND_FR = {
    "commitment": "engagement",
    "payment": "mandatement",
    "cancellation": "annulation",
    "reduction": "réduction",
}


def envelopes_csv(session: Session) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["enveloppe", "montant", "alloué", "engagé", "mandaté", "reste à engager"])
    figures = for_envelopes(session)
    for e in session.scalars(select(Envelope).order_by(Envelope.id)):
        f = figures[e.id]
        writer.writerow(
            [e.name]
            + [
                euros(v).replace(".", ",")
                for v in (f.amount, f.allocated, f.committed, f.paid, f.remaining)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def _ledger(session: Session) -> list[tuple[LedgerLine, str]]:
    return session.execute(
        select(LedgerLine, Envelope.name)
        .join(Envelope, Envelope.id == LedgerLine.envelope_id)
        .order_by(LedgerLine.day, LedgerLine.id)
    ).all()


def ledger_json(session: Session) -> bytes:
    items = [{**line.as_json(), "envelope": name} for line, name in _ledger(session)]
    return json.dumps({"items": items}, ensure_ascii=False, indent=2).encode("utf-8")


def ledger_xlsx(session: Session) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Grand livre"
    sheet.append(
        ["Enveloppe", "Nature", "Date", "Montant (€)", "Référence", "Fournisseur", "Libellé"]
    )
    for line, name in _ledger(session):
        sheet.append(
            [
                name,
                KIND_FR[line.kind],
                line.day,
                line.amount_cents / 100,
                line.reference,
                line.supplier,
                line.label,
            ]
        )
        sheet.cell(row=sheet.max_row, column=4).number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ocds(session: Session) -> bytes:
    """A release package: one release per envelope, `planning.budget` for the envelope and
    one contract per committed allocation line, its payments as implementation transactions."""
    now = iso(utcnow())
    releases = []
    lines = _ledger(session)
    for e in session.scalars(select(Envelope).order_by(Envelope.id)):
        ocid = f"ocds-civicbridge-envelope-{e.id}"
        own = [line for line, _ in lines if line.envelope_id == e.id]
        contracts = [
            {
                "id": c.reference,
                "title": c.label,
                "status": "active",
                "value": {"amount": c.amount_cents / 100, "currency": "EUR"},
                "dateSigned": c.day.isoformat(),
                "implementation": {
                    "transactions": [
                        {
                            "id": p.reference,
                            "date": p.day.isoformat(),
                            "value": {"amount": p.amount_cents / 100, "currency": "EUR"},
                            "payee": {"name": p.supplier},
                        }
                        for p in own
                        if p.kind == "payment"
                        and p.allocation_id == c.allocation_id
                        and c.allocation_id is not None
                    ]
                },
            }
            for c in own
            if c.kind == "commitment"
        ]
        releases.append(
            {
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
        )
    package = {
        "uri": "urn:civic-bridge:budget",
        "version": "1.1",
        "publishedDate": now,
        "publisher": {"name": "civic-bridge"},
        "releases": releases,
    }
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")


EXPORTS = [
    Export("budget-envelopes", "enveloppes.csv", "text/csv", envelopes_csv),
    Export("budget-ledger", "grand-livre.json", "application/json", ledger_json),
    Export(
        "budget-ledger-xlsx",
        "grand-livre.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ledger_xlsx,
    ),
    Export("budget-ocds", "budget-ocds.json", "application/json", ocds),
]
