"""The French a budget page shows for an error or a refused CSV line, with ordinary spaces
where French typography puts narrow no-break ones (U+202F), so tests can quote it."""

from __future__ import annotations

from bridge.i18n import MessageError
from plugins.budget.csvimport import Problem
from plugins.budget.translation import said, said_problem


def fr(value: MessageError | Problem | str) -> str:
    if isinstance(value, Problem):
        value = said_problem(value)
    elif isinstance(value, MessageError):
        value = said(value)
    return value.replace("\u202f", " ")
