"""Rows handed to the database driver in the form it takes them, for the sync's bulk INSERTs.

SQLAlchemy converts every value of every row on its way to the driver: a JSON column through a
new `json.dumps` each, a datetime or a date into SQLite's text. On a first sync, where every
record is inserted, that was a third of the bridge's CPU (docs/performance.md). A `DriverForm`
builds a statement's bind parameters so that SQLAlchemy passes the values through, and converts
each row once, with one JSON encoder, into exactly what SQLAlchemy would have sent: the stored
values are the same (`tests/sync/test_driver_form.py` reads them back on both databases).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Table, Text, bindparam, cast
from sqlalchemy.sql.elements import ColumnElement

from bridge.store.db import JSON_ENSURE_ASCII

# The engine's `json_serializer` with the same options (`bridge.store.db`): the same text, made
# by one encoder (`json.dumps` builds one per value) without the circular-reference bookkeeping.
_JSON = json.JSONEncoder(ensure_ascii=JSON_ENSURE_ASCII, check_circular=False)

Convert = Callable[[Any], Any]


def json_text(value: Any) -> str:
    """A JSON column's value as SQLAlchemy sends it: Python None is JSON `null`, not SQL NULL
    (`JSON.none_as_null` is false)."""
    return "null" if value is None else _JSON.encode(value)


def sqlite_datetime(value: datetime | None) -> str | None:
    """SQLite's DATETIME text as SQLAlchemy writes it: always with microseconds, no offset."""
    if value is None:
        return None
    if value.tzinfo is not None:  # SQLAlchemy drops the offset without converting
        value = value.replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def sqlite_date(value: date | None) -> str | None:
    """SQLite's DATE text as SQLAlchemy writes it."""
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class DriverForm:
    """How a set of a table's columns goes to the driver on one database: the bind parameter
    each column takes (`values`, for `insert(table).values(...)`) and the conversions `encode`
    applies to each row. Columns without a conversion keep their type and SQLAlchemy's."""

    values: dict[str, ColumnElement[Any]]
    conversions: tuple[tuple[str, Convert], ...]

    def encode(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`rows` converted, as new dicts (the caller's keep their Python values)."""
        conversions = self.conversions
        encoded = []
        for row in rows:
            copy = dict(row)
            for name, convert in conversions:
                copy[name] = convert(copy[name])
            encoded.append(copy)
        return encoded


@functools.cache
def driver_form(dialect: str, table: Table, columns: tuple[str, ...]) -> DriverForm:
    """The form of `columns` of `table` for `dialect` ("sqlite" or "postgresql"), built once."""
    values: dict[str, ColumnElement[Any]] = {}
    conversions: list[tuple[str, Convert]] = []
    for name in columns:
        column_type = table.c[name].type
        value: ColumnElement[Any] = bindparam(name, type_=column_type)
        convert: Convert | None = None
        # Types without a bind processor on the dialect (an untyped parameter would take the
        # column's type, processor included).
        if isinstance(column_type, JSON):
            convert = json_text
            # PostgreSQL: the text cast to the column's JSONB, as SQLAlchemy casts its own.
            value = bindparam(name, type_=Text())
            if dialect == "postgresql":
                value = cast(value, column_type)
        elif dialect == "sqlite" and isinstance(column_type, (DateTime, Date)):
            # psycopg takes datetimes and dates as they are; SQLite's module wants text.
            convert = sqlite_datetime if isinstance(column_type, DateTime) else sqlite_date
            value = bindparam(name, type_=Text())
        elif dialect == "sqlite" and isinstance(column_type, Boolean):
            # Stored 1 and 0 by SQLite's module, as SQLAlchemy's int() would.
            value = bindparam(name, type_=Integer())
        values[name] = value
        if convert is not None:
            conversions.append((name, convert))
    return DriverForm(values, tuple(conversions))
