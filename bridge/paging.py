"""The one way a long list is cut into pages, for the API and the pages, core and plugins.

Keyset pagination on our id (`keyset`): a page is the rows after (or, newest first, before)
the last id of the previous page, so a page never repeats or skips a row while new rows arrive,
and any page costs the same. The API reads `?limit=` and `?cursor=` (`bridge.api.paging`), the
admin's change feed and audit log `?before=`; all call `keyset`.

Numbered pages (`numbered`, `?page=N`, "page 2 of 7") for the admin lists people browse by
page number or sort by something else than the id (the budget's proposed allocations first).

Nothing here knows Flask, so a plugin or a job can use it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bridge.store.db import BIGGEST_ID

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


@dataclass(frozen=True)
class Page:
    """The rows of one page, and the id the next page starts after (None: this is the last)."""

    items: list[Any]
    next: int | None


def keyset(
    session: Session,
    query: Select,
    model: Any,
    *,
    limit: int,
    after: int | None = None,
    descending: bool = False,
) -> Page:
    """One page of `query` ordered by `model.id`. A query of one column gives its values (a
    `select(Model)` gives models); a query of several gives rows, the model first."""
    if after is not None:
        query = query.where(model.id < after if descending else model.id > after)
    query = query.order_by(model.id.desc() if descending else model.id).limit(limit + 1)
    single = len(query.column_descriptions) == 1
    rows = list(session.scalars(query) if single else session.execute(query))
    more = len(rows) > limit
    rows = rows[:limit]
    last = None
    if more:
        last = (rows[-1] if single else rows[-1][0]).id
    return Page(rows, last)


def encode_cursor(last_id: int) -> str:
    """The API's opaque cursor for "after this id"."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> int:
    """The id of a cursor `encode_cursor` gave; ValueError for anything else."""
    try:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValueError(raw) from None
    kind, _, value = decoded.partition(":")
    if kind != "id" or not (value.isascii() and value.isdigit()) or int(value) > BIGGEST_ID:
        raise ValueError(raw)
    return int(value)


@dataclass(frozen=True)
class Numbered:
    """Page `number` of `total` rows cut `size` a page."""

    items: list[Any]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The position of the page's first row in the whole list, from 1."""
        return (self.number - 1) * self.size + 1


def numbered(session: Session, query: Select, number: int | None, *, size: int = 50) -> Numbered:
    """Page `number` of `query` (in its own order); before the first or past the last page, the
    first or the last. Rows as `keyset` gives them."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(number or 1, 1), pages)
    query = query.limit(size).offset((number - 1) * size)
    single = len(query.column_descriptions) == 1
    rows = list(session.scalars(query) if single else session.execute(query))
    return Numbered(rows, number, total, size)
