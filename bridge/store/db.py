"""Engines and sessions, for the web app, the CLI, the scheduler and plugins alike.

SQLite is the embedded default and gets the pragmas a multi-process bridge needs (WAL so readers
do not block the sync writer, a busy timeout, foreign keys on). PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, String, cast, create_engine, event, func, or_
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Delete, Update

Row = TypeVar("Row")


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (SQLAlchemy would otherwise pick psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Python's sqlite3 keeps the last 128 prepared statements of each connection. A sync's
        # multi-row INSERTs and IN lists give a new statement text for each row count, each
        # prepared statement up to hundreds of KB: the cache filled as an instance grew, about
        # 2 MB of a sync's peak from 5,000 to 50,000 items (docs/performance.md). 32 keeps the
        # statements that repeat (a page's reads, the lock, the progress) at no measurable CPU.
        connect_args = {"timeout": 30, "cached_statements": 32}
        engine = create_engine(url, connect_args=connect_args, json_serializer=_json)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_json)


# Translated texts stay readable (and searchable) in the database: no \u escapes. The sync's bulk
# inserts encode with the same options (`bridge.store.driver`).
JSON_ENSURE_ASCII = False
_json = partial(json.dumps, ensure_ascii=JSON_ENSURE_ASCII)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's LIKE and lower() fold ASCII only; "Végétaliser" must match "VÉGÉTALISER".
    dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def contains_text(session: Session, q: str | None, model, *columns: str):
    """A condition: one of `columns` contains `q`, whatever the case, in any language (ILIKE on
    PostgreSQL, the casefold function on SQLite); None without `q`. Shared by the API's `?q=`
    and the admin pages' search boxes."""
    if not q:
        return None
    if session.get_bind().dialect.name == "sqlite":
        pattern = f"%{q.casefold()}%"
        return or_(*(func.casefold(cast(getattr(model, c), String)).like(pattern) for c in columns))
    return or_(*(cast(getattr(model, c), String).ilike(f"%{q}%") for c in columns))


def changed_rows(session: Session, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed (the claim and lock checks).

    `Session.execute` is typed as returning a plain `Result`; for these statements it is a
    `CursorResult`, the one that has `rowcount`."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


BIGGEST_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


def find(session: Session, model: type[Row], key: object) -> Row | None:
    """The row of `model` with primary key `key`, or None, whatever `key` is: ids that no
    database column can hold (negative, beyond 32 bits, not a number) find nothing instead of
    failing in the driver."""
    if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= BIGGEST_ID:
        return None
    return session.get(model, key)
