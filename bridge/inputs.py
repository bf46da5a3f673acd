"""Checks on raw values from a request, shared by the API, the pages, the CLI and the plugins.

One whole-number parser, one text check and one JSON reader, so that `²`, a lone surrogate or
JSON nested ten thousand deep is refused the same way everywhere rather than failing with a 500
somewhere (`"²".isdigit()` is true but `int("²")` fails; PostgreSQL and SQLite both refuse to
store `\\ud800` or a NUL character; `json.loads` raises RecursionError on deep nesting).
"""

from __future__ import annotations

import json
import re
from typing import Any

from bridge.store.db import BIGGEST_ID

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "²" and "٣"
JSON_MAX_DEPTH = 32  # far beyond any body the API reads


def whole_number(raw: object, *, biggest: int = BIGGEST_ID) -> int | None:
    """`raw` as a whole number from 0 to `biggest` (ASCII digits, or an int), else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if 0 <= value <= biggest else None


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored (a NUL character, a lone surrogate), or None."""
    if "\x00" in text:
        return "a NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone surrogate (\\ud800-\\udfff), which is not a character"
    return None


def unstorable_in(value: Any) -> str | None:
    """`unstorable` over every string of a parsed JSON value, keys included, or why the value
    is nested too deep (iteratively: no recursion on a hostile value)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if reason := unstorable(item):
                return reason
        elif isinstance(item, (dict, list)):
            if depth > JSON_MAX_DEPTH:
                return f"values nested deeper than {JSON_MAX_DEPTH} levels"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return None


class BadJson(ValueError):
    """A body that is not JSON this service reads; the message says why."""


def parse_json(data: bytes) -> Any:
    """Parse a JSON body: invalid UTF-8 or JSON, nesting deeper than JSON_MAX_DEPTH, NUL
    characters and lone surrogates are a BadJson."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadJson("the body is not UTF-8") from None
    except RecursionError:
        raise BadJson(f"the JSON is nested deeper than {JSON_MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise BadJson(f"the body is not JSON ({exc})") from None
    if reason := unstorable_in(value):
        raise BadJson(f"the JSON holds {reason}; no field accepts that")
    return value
