"""The change log (`changes`): appended by the sync and by mapping edits, read by plugins.

Plugins read it after a cursor (`bridge.delivery`), so an id must never become visible after a
greater one: a reader that moved past id 120 would never see a 110 committed later. SQLite has
one writer at a time, so ids are taken in commit order anyway. PostgreSQL hands out ids from a
sequence at insert time, and two transactions (syncs of two instances, a mapping edit) may commit
in the other order: there, a transaction takes one advisory lock before it appends and keeps it
until it ends, so appenders commit one after the other, in the order of their ids. The lock is
held only from the first appended row to the commit (a page's last writes), never by readers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Insert, Table, insert, text
from sqlalchemy.orm import Session

from bridge.store.driver import driver_form
from bridge.store.models import Change

# pg_advisory_xact_lock key: "change log", as a stable number (the leader lock uses another).
APPEND_KEY = 0x6368616E67656C6F
_TABLE = cast(Table, Change.__table__)
_COLUMNS = tuple(c.name for c in _TABLE.columns if c.name != "id")


def append(session: Session, changes: Iterable[Change]) -> None:
    """Add `changes` to the log in the caller's transaction (one multi-row INSERT)."""
    append_rows(session, [{name: getattr(change, name) for name in _COLUMNS} for change in changes])


def append_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """`append` for rows already made of the table's columns (all but `id`): the sync writes
    thousands a page, where building ORM objects first was a tenth of its CPU, and SQLAlchemy
    converting each row's values another (`bridge.store.driver`)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_KEY})
    session.execute(_insert(dialect), driver_form(dialect, _TABLE, _COLUMNS).encode(rows))


@functools.cache
def _insert(dialect: str) -> Insert:
    return insert(_TABLE).values(driver_form(dialect, _TABLE, _COLUMNS).values)
