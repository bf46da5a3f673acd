"""One sync run at a time per instance, with a lock row that a dead process cannot hold forever.

The lock is a row in `sync_locks` (so it works the same on SQLite and PostgreSQL and across
machines). Its holder refreshes `heartbeat_at` while it works; a row whose heartbeat is older than
`stale_after` seconds, or whose holder is a process of this machine that no longer exists, is
taken over with a compare-and-swap update.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bridge.store.models import SyncLock
from bridge.timeutil import utcnow

log = logging.getLogger(__name__)


class LockBusy(Exception):
    """Another live process is syncing this instance."""


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
            swapped = session.execute(
                update(SyncLock)
                .where(
                    SyncLock.instance_id == self.instance_id,
                    SyncLock.owner == held.owner,
                    SyncLock.heartbeat_at == held.heartbeat_at,
                )
                .values(owner=self.owner, acquired_at=now, heartbeat_at=now, run_id=None)
            ).rowcount
            session.commit()
            if swapped != 1:
                raise LockBusy("another process took the sync lock at the same moment")

    def attach_run(self, run_id: int) -> None:
        self._update(run_id=run_id)

    def heartbeat(self) -> None:
        self._update(heartbeat_at=utcnow())

    def release(self) -> None:
        with self.sessions() as session:
            session.execute(
                delete(SyncLock).where(
                    SyncLock.instance_id == self.instance_id, SyncLock.owner == self.owner
                )
            )
            session.commit()

    def _update(self, **values) -> None:
        with self.sessions() as session:
            session.execute(
                update(SyncLock)
                .where(SyncLock.instance_id == self.instance_id, SyncLock.owner == self.owner)
                .values(**values)
            )
            session.commit()


def heartbeat_due(last: datetime, every_seconds: float = 15.0) -> bool:
    return (utcnow() - last).total_seconds() >= every_seconds
