"""The scheduler's heartbeat: proof, readable by the web pages, that syncs will actually run.

"Sync now" only writes a request row; without an acting scheduler nothing ever picks it up.
The acting scheduler stamps its row at every poll, and the pages read the newest stamp: older
than `stale_after()` means no scheduler is alive and requests will wait forever.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bridge.store.db import changed_rows
from bridge.store.models import SchedulerHeartbeat
from bridge.sync.lock import new_owner
from bridge.timeutil import utcnow

log = logging.getLogger(__name__)

# A stamp this old is stale whatever the poll interval (a busy database may delay one beat).
MIN_STALE = timedelta(seconds=30)
# Rows of schedulers gone for this long are dropped, so the table stays a handful of rows.
FORGET_AFTER = timedelta(days=7)


def stale_after(poll_seconds: float) -> timedelta:
    """Three missed polls, and never less than MIN_STALE."""
    return max(MIN_STALE, timedelta(seconds=3 * poll_seconds))


def beat(sessions: sessionmaker[Session], owner: str, started_at: datetime) -> None:
    """Stamp this scheduler's row (created on its first beat)."""
    now = utcnow()
    with sessions() as session:
        stamped = changed_rows(
            session,
            update(SchedulerHeartbeat).where(SchedulerHeartbeat.owner == owner).values(beat_at=now),
        )
        if not stamped:
            session.execute(
                delete(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at < now - FORGET_AFTER)
            )
            session.add(SchedulerHeartbeat(owner=owner, started_at=started_at, beat_at=now))
        session.commit()


def keep_beating(sessions: sessionmaker[Session], interval: float) -> Callable[[], None]:
    """Beat every `interval` seconds in a thread of its own (a long sync run by the scheduler's
    loop must not make the scheduler look dead); return the function that stops the beats."""
    owner, started_at, stop = new_owner(), utcnow(), threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                beat(sessions, owner, started_at)
            except Exception:  # noqa: BLE001 - a missed beat shows as a warning, never a crash
                log.exception("scheduler heartbeat not written")
            stop.wait(interval)

    threading.Thread(target=run, daemon=True, name="scheduler-heartbeat").start()
    return stop.set


@dataclass(frozen=True)
class SchedulerState:
    """What the pages say about the scheduler: `last_beat` is None if none ever ran."""

    last_beat: datetime | None
    alive: bool


def state(session: Session, poll_seconds: float, now: datetime | None = None) -> SchedulerState:
    last = session.scalar(select(func.max(SchedulerHeartbeat.beat_at)))
    now = now or utcnow()
    return SchedulerState(
        last_beat=last, alive=last is not None and now - last <= stale_after(poll_seconds)
    )
