"""One acting scheduler per database: a file lock beside SQLite, an advisory lock on PostgreSQL.

A second scheduler started by mistake fails to take the lock, waits, and retries; when the first
one dies its lock goes with it (the OS releases the file lock; PostgreSQL releases a session
advisory lock when the connection closes).
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bridge.store.db import normalise_url

# pg_try_advisory_lock key: "civic-bridge scheduler", as a stable 63-bit number.
ADVISORY_KEY = 0x63697669635F6272


class LeaderLock:
    def __init__(self, database_url: str):
        self.url = make_url(normalise_url(database_url))
        self._file_lock: FileLock | None = None
        self._connection = None
        self._engine = None

    def try_acquire(self) -> bool:
        if self.url.get_backend_name() == "sqlite":
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
        if self._connection is None:
            self._engine = create_engine(self.url, poolclass=None)
            self._connection = self._engine.connect()
        got = self._connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        ).scalar()
        self._connection.commit()
        return bool(got)

    def release(self) -> None:
        if self._file_lock is not None and self._file_lock.is_locked:
            self._file_lock.release(force=True)
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
