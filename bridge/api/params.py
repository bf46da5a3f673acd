"""Reading query and path parameters, with a 400 problem that names the parameter when one is
wrong, and a 404 problem when a path names nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request
from sqlalchemy import select

from bridge.db import db
from bridge.errors import Problem
from bridge.inputs import whole_number
from bridge.paging import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor
from bridge.store.db import BIGGEST_ID as BIGGEST  # noqa: F401 - the routes check ids with it
from bridge.store.models import Instance


def limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    value = whole_number(raw, biggest=MAX_LIMIT)
    if value is None or value < 1:
        raise Problem(
            400,
            f"limit must be a whole number from 1 to {MAX_LIMIT} (got {raw!r})",
            parameter="limit",
        )
    return value


def cursor() -> int | None:
    """The id after which the page starts (keyset pagination: stable under inserts)."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        return decode_cursor(raw)
    except ValueError:
        raise Problem(400, "cursor is not one this API gave out", parameter="cursor") from None


def integer(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    value = whole_number(raw.removeprefix("-"))
    if value is None:
        raise Problem(400, f"{name} must be a number (got {raw!r})", parameter=name)
    return -value if raw.startswith("-") else value


def boolean(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in {"true", "1", "yes"}:
        return True
    if raw.lower() in {"false", "0", "no"}:
        return False
    raise Problem(400, f"{name} must be true or false (got {raw!r})", parameter=name)


def timestamp(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Problem(
            400, f"{name} must be an ISO-8601 date or time (got {raw!r})", parameter=name
        ) from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def instance_named(name: str):
    """The instance a path names (`/instances/NAME/...`), or a 404 problem."""

    found = db().scalar(select(Instance).where(Instance.name == name))
    if found is None:
        raise Problem(404, f"no instance named {name!r}")
    return found
