"""Two syncs of one instance never overlap, even when one page is slower than the stale delay.

Found by a probe: the heartbeat was sent only between pages, so one slow page (with retries)
made a live run look dead after `lock_stale_seconds`; a second sync took the lock over, both
ran to the end and both "succeeded", and the lock's updates ignored their row counts.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, update

from bridge.config import Settings
from bridge.store import models
from bridge.store.models import SyncLock, SyncRun
from bridge.sync.engine import SyncEngine
from bridge.sync.lock import InstanceLock, LockBusy, LockLost
from simulator.testing import running_simulator
from tests.sync.test_engine import add_instance


def instance_id(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(models.Instance.id))


def wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def lock_row(sessions) -> SyncLock | None:
    with sessions() as session:
        return session.scalar(select(SyncLock))


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def start_sync(sessions, settings) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(
        target=lambda: result.append(SyncEngine(sessions, settings).run("ivry")), daemon=True
    )
    thread.start()
    return thread, result


def test_a_page_slower_than_the_stale_delay_keeps_the_lock(sessions):
    settings = Settings(http_retries=0, lock_stale_seconds=2.0, http_timeout_seconds=30)
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        sim.faults.set(latency_ms=6000)  # every answer takes 6 s, three times the stale delay
        thread, result = start_sync(sessions, settings)
        wait_for(lambda: lock_row(sessions) is not None)
        time.sleep(4)  # well past the stale delay, inside the first request
        assert not result, f"the run ended early: {result[0].error}"
        rival = InstanceLock(sessions, instance_id(sessions), settings.lock_stale_seconds)
        with pytest.raises(LockBusy):
            rival.acquire()
        sim.faults.set(latency_ms=0)
        thread.join(120)
    assert result and result[0].status == "succeeded", result and result[0].error


def test_a_run_whose_lock_was_taken_over_stops_and_writes_nothing_more(sessions):
    settings = Settings(http_retries=0, lock_stale_seconds=30)
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        sim.faults.set(latency_ms=150)
        thread, result = start_sync(sessions, settings)
        wait_for(lambda: count(sessions, models.Proposal) > 0)
        # What a takeover does (the holder looked dead): the row now names another holder.
        with sessions() as session:
            session.execute(update(SyncLock).values(owner="elsewhere:1:taken"))
            session.commit()
        before = {m: count(sessions, m) for m in (models.Change, models.Proposal, models.Meeting)}
        sim.faults.set(latency_ms=0)
        thread.join(120)
        after = {m: count(sessions, m) for m in before}
    run = result[0]
    assert run.status == "failed"
    assert "taken over" in run.error
    assert after == before, "the run wrote after losing its lock"
    with sessions() as session:
        assert session.get(SyncRun, run.id).status == "failed"
        # Its release did not free the new holder's lock.
        assert session.scalar(select(SyncLock.owner)) == "elsewhere:1:taken"


def test_lock_updates_check_that_the_row_is_still_ours(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
    lock = InstanceLock(sessions, instance_id(sessions), 120)
    lock.acquire()
    with sessions() as session:
        session.execute(update(SyncLock).values(owner="elsewhere:1:taken"))
        session.commit()
    with pytest.raises(LockLost):
        lock.heartbeat()
    with pytest.raises(LockLost):
        lock.attach_run(1)
    lock.release()
    assert lock_row(sessions).owner == "elsewhere:1:taken"
