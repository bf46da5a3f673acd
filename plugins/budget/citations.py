"""What other plugins may cite from the budget (the `references` hook): its allocations and
its ledger lines, so that a commitment's evidence can say "engagement ENG-2023-0042, 12 000 €".

Keys are the budget's own ids, which a sync never renumbers and a ledger re-import keeps (it
updates a line found by its kind and reference). Links go to the admin pages of the line or
the allocation, built only inside a request (a command has no host to link to)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bridge.plugin import Reference, current_language, formatting
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.translation import _

ALLOCATION = "budget.allocation"
LEDGER_LINE = "budget.ledger_line"
KINDS = (ALLOCATION, LEDGER_LINE)
LIMIT = 200  # a picker's worth; a search narrows it


def cited(session: Session, kind: str | None, search: str | None) -> list[Reference]:
    """The confirmed allocations and the ledger lines, newest first, whose words contain
    `search` (label, reference, supplier, envelope), `LIMIT` of each at most."""
    found: list[Reference] = []
    if kind in (None, ALLOCATION):
        found += allocations(session, search)
    if kind in (None, LEDGER_LINE):
        found += ledger_lines(session, search)
    return found


def allocations(session: Session, search: str | None) -> list[Reference]:
    query = (
        select(Allocation, Envelope.name)
        .join(Envelope, Envelope.id == Allocation.envelope_id)
        .where(Allocation.status == "confirmed")
        .order_by(Allocation.id.desc())
        .limit(LIMIT)
    )
    if search:
        query = query.where(
            or_(Allocation.label.icontains(search), Envelope.name.icontains(search))
        )
    lang = current_language()
    return [
        Reference(
            ALLOCATION,
            str(allocation.id),
            allocation.label,
            url=_url("budget_admin.allocation", allocation_id=allocation.id),
            date=allocation.created_at.date(),
            detail=f"{envelope} · {formatting.cents(allocation.amount_cents, lang)}",
        )
        for allocation, envelope in session.execute(query)
    ]


def ledger_lines(session: Session, search: str | None) -> list[Reference]:
    query = (
        select(LedgerLine, Envelope.name)
        .join(Envelope, Envelope.id == LedgerLine.envelope_id)
        .order_by(LedgerLine.day.desc(), LedgerLine.id.desc())
        .limit(LIMIT)
    )
    if search:
        query = query.where(
            or_(
                LedgerLine.reference.icontains(search),
                LedgerLine.supplier.icontains(search),
                LedgerLine.label.icontains(search),
                Envelope.name.icontains(search),
            )
        )
    lang = current_language()
    found = []
    for line, envelope in session.execute(query):
        words = [_kind_word(line.kind), line.reference]
        if line.supplier:
            words.append(line.supplier)
        found.append(
            Reference(
                LEDGER_LINE,
                str(line.id),
                " · ".join(words),
                url=_url("budget_ledger.line", line_id=line.id),
                date=line.day,
                detail=f"{envelope} · {formatting.cents(line.amount_cents, lang)}",
            )
        )
    return found


def _kind_word(kind: str) -> str:
    """The line's kind in the reader's language (translated when the label is made)."""
    words = {
        "commitment": _("Commitment"),
        "payment": _("Payment"),
        "cancellation": _("Cancellation"),
        "reduction": _("Reduction"),
    }
    return words.get(kind, kind)


def _url(endpoint: str, **values: Any) -> str | None:
    return url_for(endpoint, **values) if has_request_context() else None
