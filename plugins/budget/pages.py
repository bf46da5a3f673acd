"""What the budget's admin pages share: French-first words, paging of long lists, the page that
asks before a destructive action, and dates in the city's time zone."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import Select

from bridge.plugin import N_, Numbered, current_language, db, find, formatting, numbered
from plugins.budget import kinds
from plugins.budget.money import amount, typed
from plugins.budget.translation import CATALOG, _, use_catalog

PAGE_SIZE = 50
STATUS = {"proposed": N_("proposed"), "confirmed": N_("confirmed"), "rejected": N_("rejected")}
COLUMN_NAMES = {  # the import form's mapping labels
    "date": N_("Date"),
    "reference": N_("Reference (document number)"),
    "kind": N_("Kind (commitment, payment, cancellation, reduction)"),
    "amount": N_("Amount"),
    "supplier": N_("Supplier"),
    "label": N_("Label"),
    "note": N_("Note"),
    "allocation": N_("Allocation (id or label)"),
    "applies_to": N_("Applies to (for a cancellation or a reduction)"),
    "cancels": N_("Cancelled document (its reference)"),
}
BADGE = {"proposed": "badge-warn", "confirmed": "badge-ok", "rejected": "badge-muted"}


def typeset_in_french(blueprint: Blueprint) -> None:
    """Every page of `blueprint` reads the budget's catalog (and its `said()` helpers); every
    French one gets the core's French spacing."""
    formatting.french_pages(blueprint, CATALOG)
    use_catalog(blueprint)


def day(value: date, lang: str) -> str:
    """31/12/2024 in French, 2024-12-31 in English."""
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def month(key: str, lang: str) -> str:
    """'2024-03' -> 'mars 2024' (French) or 'Mar 2024', for a chart's axis."""
    return f"{formatting.month_name(int(key[5:7]), lang, short=True)} {key[:4]}"


def helpers() -> dict[str, Any]:
    """What the budget templates call."""
    lang = current_language()
    return {
        "amount": lambda cents: amount(cents, lang),
        "typed": lambda cents: typed(cents, lang),
        "day": lambda value: day(value, lang),
        "moment": lambda value: (
            formatting.datetime_text(value, lang, with_zone=True) if value else ""
        ),
        "kind_name": lambda line: kinds.name(line.kind, line.applies_to),
        "kind_word": lambda kind: kinds.name(kind, None),
        "status_name": lambda status: _(STATUS[status]),
        "badge": BADGE,
    }


def paged(query: Select) -> Numbered:
    """`?page=N` of a query (50 a page); a page beyond the last shows the last."""
    return numbered(db(), query, request.args.get("page", 1, type=int), size=PAGE_SIZE)


def found(model, key: int):
    """The row or a 404."""
    row = find(db(), model, key)
    if row is None:
        abort(404)
    return row


def ask_first(title: str, facts: list[tuple[str, str]], action: str, button: str, back: str):
    """The page a destructive action shows first: what will go, a button that does it (a plain
    form, no JavaScript needed) and a way back."""
    return render_template(
        "budget/confirm.html", title=title, facts=facts, action=action, button=button, back=back
    )
