"""The one way a list is answered: `{"items": [...], "next": CURSOR_OR_NULL}`, `?limit=` and
`?cursor=` read by `params`, for the core's lists and the plugins' alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Response, jsonify
from sqlalchemy import Select

from bridge.api import params
from bridge.app import db


def page(query: Select, model, serialise: Callable[..., dict], *, descending: bool = False):
    """Keyset pagination on our id: stable while new rows arrive. `query` selects the model
    first; `serialise` receives each row's columns."""
    limit, after = params.limit(), params.cursor()
    if after is not None:
        query = query.where(model.id < after if descending else model.id > after)
    query = query.order_by(model.id.desc() if descending else model.id).limit(limit + 1)
    rows = db().execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [serialise(*row) for row in rows]
    last = rows[-1][0].id if rows else None
    return jsonify(items=items, next=params.encode_cursor(last) if more else None)


def page_of(items: Sequence[dict], **extra: Any) -> Response:
    """A short list made by the code (plugins, exports), paged by position with the same
    parameters, so that `limit` and `cursor` mean the same on every list."""
    limit, after = params.limit(), params.cursor()
    start = 0 if after is None else after
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    return jsonify(items=chunk, next=params.encode_cursor(start + limit) if more else None, **extra)
