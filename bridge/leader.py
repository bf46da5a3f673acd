"""One acting scheduler per database: a file lock beside SQLite, an advisory lock on PostgreSQL.

A second scheduler started by mistake fails to take the lock, waits, and retries; when the first
one dies its lock goes with it (the OS releases the file lock; PostgreSQL releases a session
advisory lock when the connection closes). On PostgreSQL the lock lives only as long as one
connection, which a restart, a network cut or `pg_terminate_backend` can end while the process
runs on: so the leader asks `still_held()` before every job and at every poll, and steps down
as soon as the answer is no.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from bridge.store.db import normalise_url

log = logging.getLogger(__name__)

# pg_try_advisory_lock key: "civic-bridge scheduler", as a stable 63-bit number.
ADVISORY_KEY = 0x63697669635F6272
# pg_locks shows a bigint advisory key as two 32-bit halves.
HELD_BY_THIS_SESSION = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND classid::bigint = :high AND objid::bigint = :low"
    " AND objsubid = 1"
)


class LeaderLock:
    def __init__(self, database_url: str):
        self.url = make_url(normalise_url(database_url))
        self._file_lock: FileLock | None = None
        self._connection: Connection | None = None
        self._engine: Engine | None = None
        # Jobs run in a thread pool and all ask `still_held()`: one connection, one user at a time.
        self._guard = threading.Lock()

    @property
    def _on_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def try_acquire(self) -> bool:
        if self._on_sqlite:
            if not self.url.database or self.url.database == ":memory:":
                return True
            if self._file_lock is None:
                path = Path(self.url.database).with_suffix(".scheduler.lock")
                path.parent.mkdir(parents=True, exist_ok=True)
                self._file_lock = FileLock(str(path))
            try:
                self._file_lock.acquire(timeout=0)
            except Timeout:
                return False
            return True
        with self._guard:
            try:
                if self._connection is None:
                    self._engine = engine = create_engine(self.url, poolclass=NullPool)
                    self._connection = engine.connect()
                got = self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
                ).scalar()
                self._connection.commit()
            except DBAPIError as exc:
                log.warning("leader lock: the database refused the lock query: %s", _first(exc))
                self._drop_connection()
                return False
            return bool(got)

    def still_held(self) -> bool:
        """Is this process still the leader? False once the lock's connection is gone."""
        if self._on_sqlite:
            if not self.url.database or self.url.database == ":memory:":
                return True
            return self._file_lock is not None and self._file_lock.is_locked
        with self._guard:
            if self._connection is None:
                return False
            try:
                held = self._connection.execute(
                    HELD_BY_THIS_SESSION,
                    {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF},
                ).scalar()
                self._connection.commit()
            except DBAPIError as exc:
                log.warning("leader lock lost with its connection: %s", _first(exc))
                self._drop_connection()
                return False
            if not held:
                self._drop_connection()
            return bool(held)

    def release(self) -> None:
        if self._file_lock is not None and self._file_lock.is_locked:
            self._file_lock.release(force=True)
        with self._guard:
            if self._connection is not None:
                # Unlock before closing: the server ends a closed session a moment later, and
                # another scheduler asking in that moment would still find the lock taken.
                with contextlib.suppress(DBAPIError):
                    self._connection.execute(text("SELECT pg_advisory_unlock_all()"))
                    self._connection.commit()
            self._drop_connection()

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(DBAPIError):  # a terminated backend: nothing to close
                self._connection.close()
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _first(exc: Exception) -> str:
    """The first line of a driver error (the rest is SQL and parameters, not for logs)."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
