"""The scheduler's heartbeat: written while the scheduler loop runs (even during a long sync),
read by the pages as alive or stale; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from bridge import heartbeat
from bridge.config import Settings
from bridge.scheduler import Scheduler
from bridge.store.models import SchedulerHeartbeat
from bridge.timeutil import utcnow
from tests.scheduler.test_scheduler import FakeEngine, add, ask
from tests.security.test_sync_lock import wait_for


def test_no_scheduler_ever_means_not_alive(sessions):
    with sessions() as session:
        state = heartbeat.state(session, poll_seconds=5)
    assert state == heartbeat.SchedulerState(last_beat=None, alive=False)


def test_a_beat_is_alive_then_stale_after_three_polls_and_at_least_30_seconds(sessions):
    started = utcnow()
    heartbeat.beat(sessions, "host:1:a", started)
    heartbeat.beat(sessions, "host:1:a", started)  # one row per scheduler, stamped again
    with sessions() as session:
        assert session.scalar(select(SchedulerHeartbeat.owner)) == "host:1:a"
        assert len(session.scalars(select(SchedulerHeartbeat)).all()) == 1
        now = utcnow()
        assert heartbeat.state(session, 5, now).alive
        assert heartbeat.state(session, 5, now + timedelta(seconds=29)).alive
        assert not heartbeat.state(session, 5, now + timedelta(seconds=31)).alive
        assert heartbeat.state(session, 60, now + timedelta(seconds=179)).alive
        assert not heartbeat.state(session, 60, now + timedelta(seconds=181)).alive


def test_the_newest_of_several_schedulers_counts_and_old_rows_are_forgotten(sessions):
    heartbeat.beat(sessions, "gone", utcnow())
    with sessions() as session:
        session.execute(update(SchedulerHeartbeat).values(beat_at=utcnow() - timedelta(days=8)))
        session.commit()
        assert not heartbeat.state(session, 5).alive
    heartbeat.beat(sessions, "new", utcnow())
    with sessions() as session:
        assert heartbeat.state(session, 5).alive
        assert session.scalars(select(SchedulerHeartbeat.owner)).all() == ["new"]


def beat_at(sessions):
    with sessions() as session:
        return session.scalar(select(SchedulerHeartbeat.beat_at))


def test_the_scheduler_loop_beats_even_while_a_long_sync_runs(sessions, database_url):
    """The loop runs requests itself: a sync of minutes must not make it look dead."""
    add(sessions, "ivry")
    syncing, release = threading.Event(), threading.Event()
    fake = FakeEngine()

    def slow_sync(name, full=False, trigger="scheduler"):
        syncing.set()
        release.wait(120)
        return fake.run(name, full, trigger)

    settings = Settings(database_url=database_url, scheduler_poll_seconds=0.1)
    scheduler = Scheduler(settings, sessions, run_sync=slow_sync)
    ask(sessions, "ivry")
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.loop, args=(stop,))
    thread.start()
    try:
        # Waited for, not slept: a loaded CI machine may take more than half a second to start.
        wait_for(lambda: syncing.is_set() and beat_at(sessions) is not None)
        first = beat_at(sessions)
        wait_for(lambda: beat_at(sessions) > first)
        assert not fake.calls  # still inside the sync
        with sessions() as session:
            assert heartbeat.state(session, 0.1).alive
    finally:
        release.set()
        stop.set()
        thread.join(10)
    assert fake.calls == [("ivry", False, "request")]
