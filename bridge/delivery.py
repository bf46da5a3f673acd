"""Durable change delivery: each plugin consumes the change log from its own cursor.

The sync only appends to `changes` and commits; it never calls a plugin. A delivery pass
(`Delivery.run`: the scheduler's job every `delivery_interval_seconds` and right after a sync,
or `bridge plugins deliver`) gives each enabled plugin that implements `consume_changes` the
changes after its cursor, `delivery_batch_size` at a time. A batch is one transaction: the plugin
writes through the session it is given and its cursor moves in the same commit, so a batch is
applied whole or not at all. A plugin that raises has its batch rolled back and its cursor left
where it was; it is tried again after `delivery_retry_seconds`, then twice as long at each
failure in a row (up to `delivery_retry_max_seconds`), and the other plugins go on. A process
killed mid-batch leaves the cursor where it was: the batch comes again (at least once).

One process delivers to a plugin at a time: on PostgreSQL the batch's transaction locks the
plugin's cursor row (`FOR UPDATE SKIP LOCKED`: another process skips that plugin meanwhile); on
SQLite, which has no row locks, a file lock beside the database does it. The cursor moves only
from where the batch found it (compare and set), so a replay during a batch costs that batch a
second delivery, never a skipped change.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bridge.accounts import audit
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import changed_rows
from bridge.store.models import Change, PluginCursor
from bridge.timeutil import utcnow

log = logging.getLogger(__name__)
HOOK = "consume_changes"
ERROR_LENGTH = 500

# In-memory SQLite lives in one process: a thread lock per plugin is enough there.
_memory_locks: dict[str, threading.Lock] = {}


class UnknownConsumer(LookupError):
    """No enabled plugin of that name consumes changes."""


@dataclass
class Outcome:
    """What one pass did for one plugin. `skipped`: "waiting" (a retry not due yet) or "busy"
    (another process is delivering to it)."""

    plugin: str
    delivered: int = 0
    batches: int = 0
    failed: bool = False
    skipped: str | None = None


class _BatchFailed(Exception):
    pass


def describe(exc: BaseException) -> str:
    """The error as stored for administrators: its type and first line, never a traceback."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:ERROR_LENGTH]


class Delivery:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        plugins: PluginHost,
        *,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.sessions = sessions
        self.settings = settings
        self.plugins = plugins
        self.clock = clock

    def consumers(self) -> dict[str, Any]:
        """The enabled plugins that implement `consume_changes`: name -> its implementation."""
        caller = getattr(self.plugins.manager.hook, HOOK)
        return {impl.plugin_name: impl for impl in reversed(caller.get_hookimpls())}

    # -- delivering --------------------------------------------------------------------------
    def run(
        self,
        *,
        only: str | None = None,
        retry_now: bool = False,
        keep_going: Callable[[], bool] = lambda: True,
    ) -> list[Outcome]:
        """One pass: each consumer catches up with the log, batch after batch. `retry_now`
        ignores the wait of failing plugins; `keep_going` is asked before every batch (the
        scheduler stops when it is no longer the leader)."""
        consumers = self.consumers()
        if only is not None:
            if only not in consumers:
                raise UnknownConsumer(f"no enabled plugin {only!r} consumes changes")
            consumers = {only: consumers[only]}
        outcomes = []
        for name, impl in consumers.items():
            if not keep_going():
                break
            outcomes.append(self._deliver(name, impl, retry_now, keep_going))
        return outcomes

    def _deliver(
        self, name: str, impl: Any, retry_now: bool, keep_going: Callable[[], bool]
    ) -> Outcome:
        outcome = Outcome(name)
        due = self._cursor(name).next_attempt_at
        if not retry_now and due is not None and due > self.clock():
            outcome.skipped = "waiting"
            return outcome
        with self._exclusive(name) as mine:
            if not mine:
                outcome.skipped = "busy"
                return outcome
            while keep_going():
                try:
                    count = self._batch(name, impl)
                except _BatchFailed:
                    outcome.failed = True
                    break
                if count is None:
                    outcome.skipped = "busy"
                    break
                if count == 0:
                    break
                outcome.delivered += count
                outcome.batches += 1
        return outcome

    def _batch(self, name: str, impl: Any) -> int | None:
        """Deliver one batch; how many changes (0: caught up), or None when another process
        holds the plugin's cursor or moved it meanwhile."""
        with self.sessions() as session:
            position = session.scalar(
                select(PluginCursor.position)
                .where(PluginCursor.plugin == name)
                .with_for_update(skip_locked=True)
            )
            if position is None:
                return None
            changes = session.scalars(
                select(Change)
                .where(Change.id > position)
                .order_by(Change.id)
                .limit(self.settings.delivery_batch_size)
            ).all()
            if not changes:
                return 0
            try:
                args: dict[str, Any] = {"session": session, "changes": list(changes)}
                if "context" in impl.argnames:
                    args["context"] = self.plugins.context(name)
                impl.function(**{k: args[k] for k in impl.argnames})
                moved = changed_rows(
                    session,
                    update(PluginCursor)
                    .where(PluginCursor.plugin == name, PluginCursor.position == position)
                    .values(
                        position=changes[-1].id,
                        delivered_at=self.clock(),
                        attempts=0,
                        next_attempt_at=None,
                    ),
                )
                if moved != 1:  # a replay moved the cursor: this batch is read again
                    session.rollback()
                    return None
                session.commit()
            except Exception as exc:  # noqa: BLE001 - a plugin's failure is recorded, not fatal
                session.rollback()
                self._failed(name, changes[0].id, changes[-1].id, exc)
                raise _BatchFailed from exc
        return len(changes)

    def _failed(self, name: str, first: int, last: int, exc: Exception) -> None:
        """Record the failure and when to try again. The log gets no error text: a plugin's
        message may quote synced or personal data; administrators read it on the plugins page."""
        now = self.clock()
        with self.sessions() as session:
            cursor = session.get_one(PluginCursor, name)
            attempts = (cursor.attempts or 0) + 1
            delay = min(
                self.settings.delivery_retry_seconds * 2 ** min(attempts - 1, 20),
                self.settings.delivery_retry_max_seconds,
            )
            cursor.attempts = attempts
            cursor.last_error = f"changes {first}-{last}: {describe(exc)}"
            cursor.last_error_kind = type(exc).__name__[:200]
            cursor.last_error_at = now
            cursor.next_attempt_at = now + timedelta(seconds=delay)
            session.commit()
        log.warning(
            "plugin %s failed on changes %d-%d (%s), attempt %d; next try in %d s",
            name,
            first,
            last,
            type(exc).__name__,
            attempts,
            delay,
        )

    def _cursor(self, name: str) -> PluginCursor:
        """The plugin's cursor, made at the start of the log the first time."""
        with self.sessions() as session:
            if session.get(PluginCursor, name) is None:
                session.add(PluginCursor(plugin=name, position=0, attempts=0))
                try:
                    session.commit()
                except IntegrityError:  # made meanwhile by another process
                    session.rollback()
            return session.get_one(PluginCursor, name)

    @contextmanager
    def _exclusive(self, name: str) -> Iterator[bool]:
        """On SQLite, one process delivers to `name` at a time (PostgreSQL: the row lock)."""
        engine: Engine = self.sessions.kw["bind"]
        if engine.dialect.name != "sqlite":
            yield True
            return
        database = engine.url.database
        if not database or database == ":memory:":
            lock = _memory_locks.setdefault(name, threading.Lock())
            if not lock.acquire(blocking=False):
                yield False
                return
            try:
                yield True
            finally:
                lock.release()
            return
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)
        file_lock = FileLock(str(Path(database).with_suffix(f".delivery-{safe}.lock")))
        try:
            file_lock.acquire(timeout=0)
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            file_lock.release()

    # -- replay and status -------------------------------------------------------------------
    def replay(self, name: str, from_id: int, actor: str) -> tuple[int, int]:
        """Deliver again from change `from_id` on (the cursor goes just before it), audited.
        Returns (old position, new position). A failing plugin's wait is cleared."""
        if name not in self.consumers():
            raise UnknownConsumer(f"no enabled plugin {name!r} consumes changes")
        if from_id < 1:
            raise ValueError("a change id is 1 or more")
        self._cursor(name)
        with self.sessions() as session:
            cursor = session.get_one(PluginCursor, name, with_for_update=True)
            before = cursor.position
            cursor.position = from_id - 1
            cursor.attempts = 0
            cursor.next_attempt_at = None
            audit(
                session,
                actor,
                "plugins.replay",
                f"plugin:{name}",
                before={"position": before},
                after={"position": cursor.position},
            )
            session.commit()
        return before, from_id - 1

    def retry_now(self, name: str, actor: str) -> bool:
        """Let a failing plugin be tried at the next pass rather than after its wait (an
        administrator fixed the cause), audited. False when it was not waiting."""
        if name not in self.consumers():
            raise UnknownConsumer(f"no enabled plugin {name!r} consumes changes")
        self._cursor(name)
        with self.sessions() as session:
            cursor = session.get_one(PluginCursor, name, with_for_update=True)
            if cursor.next_attempt_at is None:
                return False
            audit(session, actor, "plugins.retry", f"plugin:{name}")
            cursor.next_attempt_at = None
            session.commit()
        return True

    def status(self) -> list[dict[str, Any]]:
        """Per consuming plugin: its cursor, the changes waiting for it (lag), its failures in a
        row, the last error (kept after recovery, with its time) and the next try."""
        names = sorted(self.consumers())
        with self.sessions() as session:
            cursors = {
                c.plugin: c
                for c in session.scalars(select(PluginCursor).where(PluginCursor.plugin.in_(names)))
            }
            out = []
            for name in names:
                cursor = cursors.get(name) or PluginCursor(plugin=name, position=0, attempts=0)
                lag = session.scalar(
                    select(func.count()).select_from(Change).where(Change.id > cursor.position)
                )
                out.append(
                    {
                        "plugin": name,
                        "cursor": cursor.position,
                        "lag": lag,
                        "delivered_at": cursor.delivered_at,
                        "attempts": cursor.attempts or 0,
                        "last_error": cursor.last_error,
                        "last_error_kind": cursor.last_error_kind,
                        "last_error_at": cursor.last_error_at,
                        "next_attempt_at": cursor.next_attempt_at,
                    }
                )
        return out
