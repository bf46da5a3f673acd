"""Euros as exact integers of cents: parsing what finance departments type, and printing it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bridge.plugin import N_, MessageError, current_language, formatting

SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]")
FRENCH_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")  # 1.234.567,89
ENGLISH_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+\.\d{1,2}$")  # 1,234,567.89 (never 12,345)


MAX_CENTS = 10**15  # ten thousand billion euros: beyond, a typing slip, not a city's budget


class AmountError(MessageError):
    """Why a text is not an amount: an English msgid of the budget's catalog and its
    variables (`str(error)` for the API and the CLI, translated where a page shows it)."""


def parse_euros(text: str, *, allow_negative: bool = False) -> int:
    """'1 234,56' / '1234.56' / '700000' / '700 000 €' -> cents (123456). Never a float."""
    raw = SPACES.sub("", str(text)).replace("€", "").replace("EUR", "")
    if not raw:
        raise AmountError(N_("empty amount"))
    if FRENCH_DOTS.match(raw.lstrip("-")):
        raw = raw.replace(".", "")
    elif ENGLISH_COMMAS.match(raw.lstrip("-")):
        raw = raw.replace(",", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", raw):
        raise _not_an_amount(text)
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise _not_an_amount(text) from exc
    if value < 0 and not allow_negative:
        raise AmountError(N_("negative amount: %(text)r"), text=text)
    if abs(value) * 100 > MAX_CENTS:
        raise AmountError(N_("amount too large: %(text)r"), text=text)
    return int(value * 100)


def _not_an_amount(text: str) -> AmountError:
    return AmountError(N_("not an amount in euros: %(text)r"), text=text)


def euros(cents: int) -> str:
    """123456 -> '1234.56' (the API's decimal strings)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def amount(cents: int, lang: str | None = None) -> str:
    """123456 -> '1 234,56 €' in French (narrow no-break spaces), '€1,234.56' in English: the
    cents always written, as a ledger does; for pages people read, in the request's language
    unless `lang` says."""
    return formatting.cents(cents, lang or current_language(), decimals=2)


def typed(cents: int, lang: str | None = None) -> str:
    """An amount as a form shows it to edit: '120 000,00' / '120,000.00' (`parse_euros` reads
    both back)."""
    return formatting.number(Decimal(cents) / 100, lang or current_language(), 2)
