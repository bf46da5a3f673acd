"""The budget's own gettext catalog (plugins/budget/translations, domain "budget"), over the
core's: `_` and `ngettext` for its Python code, its pages' templates (`use_catalog`), and
`said`, which puts a budget error in the reader's words.

The budget's errors (`writes.Invalid`, `money.AmountError`, `kinds.KindError`, the CSV
import's reasons) are `MessageError`s: an English msgid and its variables. `str(error)` is
the English the API and the CLI say; `said(error)` translates it. A variable that is a word
or an amount is a `Field` or `Euros`: the English names the field by its key and writes
amounts as the API does ("1234.50"); the French says the form's word and « 1 234,50 € »."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint

from bridge.plugin import NP_, MessageError, catalog, current_language
from plugins.budget.money import amount, euros

if TYPE_CHECKING:
    from plugins.budget.csvimport import Problem

# the catalog the budget's PluginContext translates with too (context.gettext)
CATALOG = catalog(Path(__file__).parent / "translations", "budget")
_ = CATALOG.gettext
ngettext = CATALOG.ngettext
pgettext = CATALOG.pgettext

# what the French messages call each field: the words of the forms
FIELDS = {
    "name": NP_("field", "name"),
    "amount": NP_("field", "amount"),
    "label": NP_("field", "label"),
    "reference": NP_("field", "reference"),
    "supplier": NP_("field", "supplier"),
    "note": NP_("field", "note"),
    "source": NP_("field", "source"),
    "theme": NP_("field", "theme"),
    "neighbourhood": NP_("field", "neighbourhood"),
    "cancels": NP_("field", "cancels"),
    "applies_to": NP_("field", "applies_to"),
    "project": NP_("field", "project"),
    "result": NP_("field", "result"),
    "allocation": NP_("field", "allocation"),
    "envelope": NP_("field", "envelope"),
}


@dataclass(frozen=True)
class Field:
    """A field named in a message: its key in English (the API's), its word when said."""

    key: str

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Euros:
    """An amount in a message: "1234.50" as the API and the CLI say it, « 1 234,50 € » or
    "€1,234.50" on a page."""

    cents: int

    def __str__(self) -> str:
        return euros(self.cents)


def _word(value: object, lang: str) -> object:
    if isinstance(value, Field):
        return pgettext(*FIELDS[value.key]) if value.key in FIELDS else value.key
    if isinstance(value, Euros):
        return amount(value.cents, lang)
    return value


def said(error: MessageError) -> str:
    """`error` in the reader's language, through the budget's catalog."""
    lang = current_language()
    return _(error.msgid, **{k: _word(v, lang) for k, v in error.variables.items()})


def said_problem(problem: Problem) -> str:
    """A refused line of a ledger import and its reasons, in the reader's language, with the
    sheet of a workbook and the column of each reason, as the spreadsheet names them."""
    reasons = _("; ").join(
        _("%(reason)s (column %(column)s)", reason=said(reason), column=column)
        if column
        else said(reason)
        for reason, column in zip_longest(problem.reasons, problem.columns[: len(problem.reasons)])
    )
    if problem.sheet:
        return _(
            "sheet “%(sheet)s”, line %(line)s: %(reasons)s",
            sheet=problem.sheet,
            line=problem.line,
            reasons=reasons,
        )
    return _("line %(line)s: %(reasons)s", line=problem.line, reasons=reasons)


def use_catalog(blueprint: Blueprint) -> None:
    """The templates of `blueprint`'s pages have `said()` and `said_problem()` (their `_()` and
    `ngettext()` read the budget's catalog through `formatting.french_pages`)."""
    blueprint.context_processor(lambda: {"said": said, "said_problem": said_problem})
