"""One sync run at a time per instance, with a lock row that a dead process cannot hold forever.

The lock is a row in `sync_locks` (so it works the same on SQLite and PostgreSQL and across
machines). Its holder refreshes `heartbeat_at` while it works; a row whose heartbeat is older than
`stale_after` seconds, or whose holder is a process of this machine that no longer exists, is
taken over with a compare-and-swap update.

A slow page (a long answer, retries with backoff) must not look like a dead process, so the
heartbeat comes from a thread of its own (`Heartbeat`), with its own database connection,
whatever the run is doing. And because a takeover can still happen (a paused VM, a cut network),
every write of a run is *fenced*: `fence(session)` touches the lock row in the same transaction
as the write, before it, and only if the row still names this holder (`owner`, unique to one
acquisition, is the fencing token). A run that lost its lock gets `LockLost` and writes nothing
more. On PostgreSQL the touched row stays locked until the write commits, so a takeover waits for
the page being written and the old holder's next write is refused.

`fence_writes(session)` fences each transaction of a session just before its first write, and
only the transactions that write: most pages of a sync with no upstream change write nothing,
and an UPDATE and a commit before each was an eighth of that sync's CPU. A run that only reads
learns that it lost its lock from its next write (the engine saves its progress at most every
2 s and after each component) or from the heartbeat, whichever comes first.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta
from typing import cast

from sqlalchemy import Table, delete, event, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from bridge.store.db import changed_rows
from bridge.store.models import SyncLock
from bridge.timeutil import utcnow

log = logging.getLogger(__name__)
_LOCKS = cast(Table, SyncLock.__table__)


class LockBusy(Exception):
    """Another live process is syncing this instance."""


class LockLost(Exception):
    """This run's lock was taken over: another run syncs the instance now; this one must stop."""


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_is_dead(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class InstanceLock:
    def __init__(self, sessions: sessionmaker[Session], instance_id: int, stale_after: float):
        self.sessions, self.instance_id = sessions, instance_id
        self.stale_after = timedelta(seconds=stale_after)
        self.owner = new_owner()

    def acquire(self) -> None:
        now = utcnow()
        with self.sessions() as session:
            session.add(
                SyncLock(
                    instance_id=self.instance_id,
                    owner=self.owner,
                    acquired_at=now,
                    heartbeat_at=now,
                )
            )
            try:
                session.commit()
                return
            except IntegrityError:
                session.rollback()
            held = session.scalar(select(SyncLock).where(SyncLock.instance_id == self.instance_id))
            if held is None:  # released between our two statements: try once more
                return self.acquire()
            if now - held.heartbeat_at < self.stale_after and not _holder_is_dead(held.owner):
                raise LockBusy(
                    f"a sync of this instance is already running ({held.owner}, "
                    f"since {held.acquired_at:%Y-%m-%d %H:%M:%S} UTC)"
                )
            log.warning("taking over the sync lock of %s: its holder is gone", held.owner)
            swapped = changed_rows(
                session,
                update(SyncLock)
                .where(
                    SyncLock.instance_id == self.instance_id,
                    SyncLock.owner == held.owner,
                    SyncLock.heartbeat_at == held.heartbeat_at,
                )
                .values(owner=self.owner, acquired_at=now, heartbeat_at=now, run_id=None),
            )
            session.commit()
            if swapped != 1:
                raise LockBusy("another process took the sync lock at the same moment")

    def attach_run(self, run_id: int) -> None:
        with self.sessions() as session:
            self._touch(session, run_id=run_id)
            session.commit()

    def heartbeat(self) -> None:
        """Raises LockLost when the row no longer names this holder."""
        with self.sessions() as session:
            self._touch(session)
            session.commit()

    def fence(self, session: Session) -> None:
        """Check, inside the caller's transaction, that this run still holds the lock.

        Call it before the transaction's writes; commit makes both visible together."""
        self._touch(session)

    def fence_writes(self, session: Session) -> None:
        """Fence every transaction of `session` that writes, just before its first write
        (a statement other than a SELECT, or a flush); a transaction that only reads is not
        touched. Writes must go through the session (`session.execute`, a flush): a statement
        sent on `session.connection()` is not seen."""
        fenced: list[SessionTransaction] = []  # the transaction fenced last

        def before_write(in_flush: bool) -> None:
            session.connection()  # begins the transaction if this write is its first statement
            transaction = session.get_transaction()
            if transaction is None or (fenced and fenced[0] is transaction):
                return
            fenced[:] = [transaction]  # first, so that the fence's own UPDATE is not fenced
            # A flush ends its transaction itself when it fails (and may not be interrupted by
            # a rollback); nothing was written before the fence anyway.
            self._touch(session, rollback=not in_flush)

        def before_statement(execute: ORMExecuteState) -> None:
            if not execute.is_select:
                before_write(in_flush=False)

        event.listen(session, "do_orm_execute", before_statement)
        event.listen(session, "before_flush", lambda *_: before_write(in_flush=True))

    def release(self) -> None:
        with self.sessions() as session:
            deleted = changed_rows(
                session,
                delete(SyncLock).where(
                    SyncLock.instance_id == self.instance_id, SyncLock.owner == self.owner
                ),
            )
            session.commit()
        if deleted != 1:
            log.warning("sync lock of instance %s was no longer ours to release", self.instance_id)

    def _touch(self, session: Session, *, rollback: bool = True, **values: object) -> None:
        touched = changed_rows(
            session,
            # On the table, not the class: the ORM's bulk-update bookkeeping cost more than
            # the statement, and this runs before every page's writes.
            update(_LOCKS)
            .where(_LOCKS.c.instance_id == self.instance_id, _LOCKS.c.owner == self.owner)
            .values(heartbeat_at=utcnow(), **values),
        )
        if touched != 1:
            if rollback:
                session.rollback()
            raise LockLost(
                "the sync lock was taken over by another process (this run was presumed dead); "
                "this run stopped and wrote nothing more"
            )


class Heartbeat:
    """Refresh a lock every `every` seconds from a thread of its own until stopped.

    `lost` is set when the lock was taken over; the run checks it between requests."""

    def __init__(self, lock: InstanceLock, every: float):
        self.lock, self.every = lock, every
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="sync-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.lock.heartbeat()
            except LockLost:
                log.error("sync lock of instance %s taken over", self.lock.instance_id)
                self.lost.set()
                return
            except SQLAlchemyError as exc:  # the database is away: try again at the next beat
                log.warning("sync heartbeat failed: %s", str(exc).splitlines()[0][:200])


def heartbeat_every(stale_after: float) -> float:
    """Four beats within the stale delay: one late beat never frees the lock."""
    return max(0.05, min(15.0, stale_after / 4))
