"""The one way the API answers a list: `{"items": [...], "next": CURSOR_OR_NULL}`, `?limit=`
and `?cursor=` read by `params`, for the core's lists and the plugins' alike; the cutting into
pages is `bridge.paging`'s, which the pages use too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Response, jsonify
from sqlalchemy import Select

from bridge.api import params
from bridge.db import db
from bridge.paging import encode_cursor, keyset


def page(
    query: Select, model: type, serialise: Callable[..., dict], *, descending: bool = False
) -> Response:
    """Keyset pagination on our id (`bridge.paging.keyset`): stable while new rows arrive.
    `query` selects the model (first); `serialise` receives each row's columns."""
    found = keyset(
        db(), query, model, limit=params.limit(), after=params.cursor(), descending=descending
    )
    if len(query.column_descriptions) == 1:
        items = [serialise(row) for row in found.items]
    else:
        items = [serialise(*row) for row in found.items]
    return jsonify(items=items, next=None if found.next is None else encode_cursor(found.next))


def page_of(items: Sequence[dict], **extra: Any) -> Response:
    """A short list made by the code (plugins, exports), paged by position with the same
    parameters, so that `limit` and `cursor` mean the same on every list."""
    limit, after = params.limit(), params.cursor()
    start = 0 if after is None else after
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    return jsonify(items=chunk, next=encode_cursor(start + limit) if more else None, **extra)
