"""A scheduler whose leader lock went with its database connection stops acting at once.

Found by a probe: after `pg_terminate_backend` on the leader's lock connection, the old leader
never noticed, the waiting scheduler took the freed lock, and both ran every interval job.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, text

from bridge.config import Settings
from bridge.leader import ADVISORY_KEY, LeaderLock
from bridge.scheduler import Scheduler, run_scheduler
from bridge.store.db import normalise_url
from tests.conftest import POSTGRES_URL
from tests.security.test_sync_lock import wait_for

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="BRIDGE_TEST_POSTGRES_URL is not set")


def leader_backends() -> list[int]:
    """Process ids of the PostgreSQL sessions holding the scheduler's advisory lock."""
    engine = create_engine(normalise_url(POSTGRES_URL))
    with engine.connect() as connection:
        pids = connection.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid::bigint = :high AND objid::bigint = :low"
            ),
            {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF},
        ).scalars()
        found = list(pids)
    engine.dispose()
    return found


def terminate(pid: int) -> None:
    engine = create_engine(normalise_url(POSTGRES_URL))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    engine.dispose()


class Recorder:
    """Who acted when: every scheduler's interval job lands here."""

    def __init__(self):
        self.acts: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def scheduler_named(self, name: str):
        recorder = self

        class Recording(Scheduler):
            def reconcile(self) -> bool:  # one job every 0.1 s instead of the instances table
                if not self.aps.get_job("tick"):
                    self.aps.add_job(self.sync_job, "interval", seconds=0.1, args=["x"], id="tick")
                return False

            def pending_requests(self) -> int:
                return 0

        def make(settings, leader):
            def act(instance_name, full=False, trigger="scheduler"):
                with recorder._lock:
                    recorder.acts.append((time.monotonic(), name))

            return Recording(settings, sessions=_no_sessions(), run_sync=act, leader=leader)

        return make

    def actors_since(self, moment: float) -> set[str]:
        with self._lock:
            return {name for at, name in self.acts if at >= moment}


def _no_sessions():
    def refuse():
        raise AssertionError("the recording scheduler reads no table")

    return refuse


def test_after_the_leaders_connection_is_killed_at_most_one_scheduler_acts():
    settings = Settings(database_url=POSTGRES_URL, scheduler_poll_seconds=0.2)
    recorder = Recorder()
    stop = threading.Event()
    threads = []

    def start(name: str) -> None:
        thread = threading.Thread(
            target=run_scheduler,
            args=(settings,),
            kwargs={"stop_event": stop, "make_scheduler": recorder.scheduler_named(name)},
        )
        thread.start()
        threads.append(thread)

    try:
        start("first")
        # Waited for, not slept: a loaded machine may take more than half a second to start.
        wait_for(lambda: recorder.actors_since(0))  # "first" leads
        start("second")
        time.sleep(0.5)  # "second" waits
        assert recorder.actors_since(0) == {"first"}
        (pid,) = leader_backends()
        terminate(pid)
        killed_at = time.monotonic()
        # The old leader may finish a job already started, within one poll of the kill.
        settled = killed_at + 0.5
        wait_for(lambda: recorder.actors_since(settled))  # the waiting one retries every second
        time.sleep(1)  # ten jobs' time for a second actor to show
        acting = recorder.actors_since(settled)
        assert len(acting) == 1, f"schedulers acting after the kill: {sorted(acting)}"
        assert len(leader_backends()) == 1
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert not any(thread.is_alive() for thread in threads)


def test_a_leader_knows_when_its_lock_is_gone():
    lock = LeaderLock(POSTGRES_URL)
    try:
        assert lock.try_acquire()
        assert lock.still_held()
        terminate(leader_backends()[0])
        assert not lock.still_held()
        assert lock.try_acquire()  # contends again on a new connection
        assert lock.still_held()
    finally:
        lock.release()
