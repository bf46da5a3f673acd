"""The scheduler: jobs from the instances table, "sync now" requests, one leader per database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from bridge.config import Settings
from bridge.leader import LeaderLock
from bridge.scheduler import Scheduler, request_sync, run_scheduler, wanted_jobs
from bridge.store.models import Instance, SyncRequest
from bridge.sync.lock import LockBusy
from bridge.timeutil import utcnow
from tests.conftest import POSTGRES_URL


def ask(sessions, name, **options):
    with sessions() as session:
        request = request_sync(session, name, **options)
        session.commit()
    return request


def add(sessions, name, **values):
    now = utcnow()
    with sessions() as session:
        session.add(
            Instance(name=name, base_url=f"http://{name}", created_at=now, updated_at=now, **values)
        )
        session.commit()


class FakeEngine:
    """Records the syncs the scheduler asks for."""

    def __init__(self):
        self.calls: list[tuple[str, bool, str]] = []

    def run(self, name, full=False, trigger="scheduler"):
        self.calls.append((name, full, trigger))
        return SimpleNamespace(
            id=len(self.calls),
            status="succeeded",
            created=0,
            updated=0,
            unchanged=0,
            removed=0,
            error=None,
        )


@pytest.fixture
def scheduler(sessions, database_url):
    fake = FakeEngine()
    sched = Scheduler(
        Settings(database_url=database_url, scheduler_poll_seconds=0.1), sessions, run_sync=fake.run
    )
    sched.fake = fake
    return sched


def test_wanted_jobs_follow_interval_cron_and_enabled():
    rows = [
        SimpleNamespace(
            id=1, name="ivry", enabled=True, schedule_interval_minutes=15, schedule_cron=None
        ),
        SimpleNamespace(
            id=2,
            name="paris",
            enabled=True,
            schedule_interval_minutes=None,
            schedule_cron="0 3 * * *",
        ),
        SimpleNamespace(
            id=3, name="off", enabled=False, schedule_interval_minutes=5, schedule_cron=None
        ),
        SimpleNamespace(
            id=4, name="manual", enabled=True, schedule_interval_minutes=None, schedule_cron=None
        ),
    ]
    jobs = wanted_jobs(rows)
    assert set(jobs) == {"sync:1", "sync:2"}
    assert "interval[0:15:00]" in str(jobs["sync:1"][1])
    assert "hour='3'" in str(jobs["sync:2"][1])


def test_jobs_are_rebuilt_when_the_instances_table_changes(sessions, scheduler):
    add(sessions, "ivry", schedule_interval_minutes=30)
    assert scheduler.reconcile() is True
    assert [j.id for j in scheduler.aps.get_jobs()] == ["sync:1"]
    assert scheduler.reconcile() is False  # nothing changed, nothing rebuilt
    add(sessions, "paris", schedule_cron="*/5 * * * *")
    with sessions() as session:
        session.execute(update(Instance).where(Instance.name == "ivry").values(enabled=False))
        session.commit()
    assert scheduler.reconcile() is True
    assert [j.name for j in scheduler.aps.get_jobs()] == ["paris"]


def test_sync_requests_are_claimed_once_and_run(sessions, scheduler):
    add(sessions, "ivry")
    request = ask(sessions, "ivry", full=True, requested_by="test")
    assert scheduler.pending_requests() == 1
    assert scheduler.fake.calls == [("ivry", True, "request")]
    assert scheduler.pending_requests() == 0
    with sessions() as session:
        row = session.get(SyncRequest, request.id)
        assert row.picked_at is not None and row.run_id == 1


def test_a_busy_instance_is_skipped_not_failed(sessions, database_url):
    def busy(*args, **kwargs):
        raise LockBusy("already running")

    add(sessions, "ivry")
    sched = Scheduler(Settings(database_url=database_url), sessions, run_sync=busy)
    ask(sessions, "ivry")
    assert sched.pending_requests() == 1


def test_the_loop_picks_up_a_request_within_seconds(sessions, scheduler):
    add(sessions, "ivry", schedule_interval_minutes=60)
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.loop, args=(stop,))
    thread.start()
    try:
        ask(sessions, "ivry")
        # A poll is 0.1 s; the deadline only bounds a failure, on a machine loaded or not.
        deadline = time.monotonic() + 30
        while not scheduler.fake.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scheduler.fake.calls == [("ivry", False, "request")]
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_only_one_leader_per_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path}/bridge.db"
    first, second = LeaderLock(url), LeaderLock(url)
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


@pytest.mark.skipif(not POSTGRES_URL, reason="BRIDGE_TEST_POSTGRES_URL is not set")
def test_only_one_leader_per_postgres_database():
    first, second = LeaderLock(POSTGRES_URL), LeaderLock(POSTGRES_URL)
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        first.release()  # closing the connection frees the advisory lock
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


def test_a_second_scheduler_waits_while_the_first_leads(sqlite_url):
    settings = Settings(database_url=sqlite_url, scheduler_poll_seconds=0.1)
    leader = LeaderLock(sqlite_url)
    assert leader.try_acquire()
    stop = threading.Event()
    waiting = threading.Thread(target=run_scheduler, args=(settings,), kwargs={"stop_event": stop})
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive()
    stop.set()
    waiting.join(5)
    assert not waiting.is_alive()
    leader.release()


def test_sigterm_stops_the_scheduler_and_frees_the_leader_lock(sqlite_url):
    env = {**os.environ, "BRIDGE_DATABASE_URL": sqlite_url, "BRIDGE_SCHEDULER_POLL_SECONDS": "0.2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge.cli", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        probe = LeaderLock(sqlite_url)
        deadline = time.monotonic() + 20
        while probe.try_acquire():  # wait until the scheduler holds it
            probe.release()
            assert time.monotonic() < deadline, process.stdout.read1().decode()
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert probe.try_acquire()
        probe.release()
    finally:
        if process.poll() is None:
            process.kill()
