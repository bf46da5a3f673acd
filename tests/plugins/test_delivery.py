"""Change delivery (`bridge.delivery`): plugins consume the change log from their own cursor,
off the sync's path, on SQLite and PostgreSQL, with real syncs against the Decidim stand-in and
real processes killed mid-way."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bridge import changelog, mappings
from bridge.delivery import Delivery, UnknownConsumer
from bridge.hookspecs import hookimpl
from bridge.pluginhost import PluginHost
from bridge.scheduler import Scheduler, request_sync
from bridge.store.models import AuditEntry, Change, Instance, PluginCursor, Scope
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow
from simulator.testing import running_simulator
from tests.plugins.ledger import SETTINGS, Ledger, applied, create_ledger
from tests.sync.test_engine import add_instance

ROOT = Path(__file__).resolve().parents[2]


def all_change_ids(sessions) -> list[int]:
    with sessions() as session:
        return list(session.scalars(select(Change.id).order_by(Change.id)))


def cursor(sessions, name: str) -> PluginCursor:
    with sessions() as session:
        return session.get(PluginCursor, name)


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def ledger_sessions(sessions):
    create_ledger(sessions.kw["bind"])
    return sessions


def test_a_plugin_failing_for_a_while_catches_up_once_and_a_replay_delivers_again(
    ledger_sessions, caplog
):
    sessions = ledger_sessions
    ledger = Ledger(failing=True)
    host = PluginHost([], extra={"ledger": ledger})
    clock = Clock()
    delivery = Delivery(sessions, SETTINGS, host, clock=clock)
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS, plugins=host)
        assert engine.run("ivry").status == "succeeded"

        # Failing: nothing applied, the cursor stays, the failure is recorded with its backoff.
        with caplog.at_level(logging.WARNING):
            [outcome] = delivery.run()
        assert outcome.failed and outcome.delivered == 0
        failed = cursor(sessions, "ledger")
        assert (failed.position, failed.attempts) == (0, 1)
        assert failed.last_error.startswith("changes 1-50: RuntimeError: cannot file")
        assert failed.next_attempt_at == clock.now + timedelta(seconds=10)
        assert "jeanne" not in caplog.text and "plugin ledger failed" in caplog.text
        # Not due yet: skipped; forced twice more: the wait doubles each time.
        assert delivery.run()[0].skipped == "waiting"
        delivery.run(retry_now=True)
        delivery.run(retry_now=True)
        assert cursor(sessions, "ledger").attempts == 3
        assert cursor(sessions, "ledger").next_attempt_at == clock.now + timedelta(seconds=40)

        # Meanwhile Decidim changes and another sync appends to the log.
        project = next(p for p in sim.world.records["project"].values() if not p["selected"])
        sim.world.set_project(project["id"], selected=True)
        assert engine.run("ivry").status == "succeeded"

    # Recovered, and its time come: every change, in order, exactly once.
    ledger.failing = False
    clock.now += timedelta(seconds=41)
    [outcome] = delivery.run()
    every = all_change_ids(sessions)
    assert len(every) > 3 * SETTINGS.delivery_batch_size  # several batches
    assert ledger.delivered == every
    assert outcome.delivered == len(every) and outcome.batches == -(-len(every) // 50)
    caught_up = cursor(sessions, "ledger")
    assert (caught_up.position, caught_up.attempts, caught_up.next_attempt_at) == (
        every[-1],
        0,
        None,
    )
    assert caught_up.last_error  # kept, with its time, for the plugins page
    assert delivery.run()[0].delivered == 0

    # A replay from an id delivers again from there (audited); the ledger applies nothing twice.
    start = every[len(every) // 2]
    assert delivery.replay("ledger", start, actor="test") == (every[-1], start - 1)
    ledger.delivered.clear()
    [outcome] = delivery.run()
    assert ledger.delivered == [i for i in every if i >= start]
    with sessions() as session:
        assert applied(session) == every
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "plugins.replay"))
        assert (entry.actor, entry.target) == ("test", "plugin:ledger")
        assert (entry.before, entry.after) == ({"position": every[-1]}, {"position": start - 1})
    with pytest.raises(UnknownConsumer):
        delivery.replay("nobody", 1, actor="test")


def test_the_sync_never_waits_for_a_slow_or_failing_plugin(ledger_sessions):
    """A plugin stuck in the middle of a batch (and another failing) while a sync runs: the
    sync finishes, and only then is the stuck plugin let go."""
    sessions = ledger_sessions
    release, entered = threading.Event(), threading.Event()

    class Stuck:
        calls = 0

        @hookimpl
        def consume_changes(self, changes):
            Stuck.calls += 1
            entered.set()
            assert release.wait(300)

    failing = Ledger(failing=True)
    host = PluginHost([], extra={"stuck": Stuck(), "failing": failing})
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS, plugins=host)
        assert engine.run("ivry").status == "succeeded"
        assert Stuck.calls == 0  # a sync calls no consumer
        worker = threading.Thread(target=Delivery(sessions, SETTINGS, host).run)
        worker.start()
        assert entered.wait(60)
        for project in list(sim.world.records["project"].values())[:5]:
            sim.world.set_project(project["id"], budget_amount=project["budget_amount"] + 1)
        started = time.monotonic()
        run = engine.run("ivry")
        took = time.monotonic() - started
        still_stuck = not release.is_set() and worker.is_alive()
        release.set()
        worker.join(60)
    assert run.status == "succeeded" and run.updated >= 5 and still_stuck
    assert took < 120
    assert cursor(sessions, "failing").attempts == 1


def test_mapping_edits_reach_consumers_through_the_log(ledger_sessions):
    sessions = ledger_sessions
    host = PluginHost([], extra={"ledger": Ledger()})
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    with sessions() as session:
        instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
        scope = session.scalar(select(Scope).where(Scope.kind == "scope").order_by(Scope.id))
        mappings.save(
            session, instance, "test", neighbourhoods={("scope", scope.remote_id): "Centre-ville"}
        )
        session.commit()
        mappings.save(
            session, instance, "test", neighbourhoods={("scope", scope.remote_id): "Centre"}
        )
        mappings.save(session, instance, "test", neighbourhoods={("scope", scope.remote_id): None})
        session.commit()
        logged = session.scalars(
            select(Change).where(Change.resource == "mappings").order_by(Change.id)
        ).all()
    assert [(c.kind, c.old, c.new) for c in logged] == [
        ("created", None, "Centre-ville"),
        ("updated", "Centre-ville", "Centre"),
        ("removed", "Centre", None),
    ]
    assert {(c.remote_id, c.record_id, c.field, c.run_id) for c in logged} == {
        (f"scope:{scope.remote_id}", scope.id, "neighbourhood", None)
    }
    Delivery(sessions, SETTINGS, host).run()
    assert host.manager.get_plugin("ledger").delivered[-3:] == [c.id for c in logged]


def test_two_deliverers_never_hand_out_the_same_batch(ledger_sessions):
    """The scheduler and `bridge plugins deliver` at once: each batch goes to one of them."""
    sessions = ledger_sessions
    seen: list[int] = []

    class Slow:
        @hookimpl
        def consume_changes(self, changes):
            seen.extend(c.id for c in changes)
            time.sleep(0.05)

    host = PluginHost([], extra={"slow": Slow()})
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    settings = replace(SETTINGS, delivery_batch_size=20)
    workers = [threading.Thread(target=Delivery(sessions, settings, host).run) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    Delivery(sessions, settings, host).run()  # whatever a skipped deliverer left
    assert sorted(seen) == seen == all_change_ids(sessions)


def _start(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.plugins.ledger", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_when(process: subprocess.Popen, marker: Path) -> None:
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "the child never reached its stop"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(30)


def _deliver_until_caught_up(delivery: Delivery) -> None:
    """A killed PostgreSQL client's row lock goes when the server notices: until then the
    cursor is busy (skipped), never delivered twice."""
    deadline = time.monotonic() + 60
    while True:
        [outcome] = delivery.run()
        assert not outcome.failed
        if outcome.skipped != "busy":
            return
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_a_sync_killed_right_after_a_commit_loses_no_change(
    ledger_sessions, database_url, tmp_path
):
    sessions = ledger_sessions
    marker = tmp_path / "committed"
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        child = _start(["sync", database_url, sim.url, str(marker)])
        _kill_when(child, marker)
        committed = all_change_ids(sessions)
        assert committed  # the child's first pages are in the log, no consumer was called

        ledger = Ledger()
        host = PluginHost([], extra={"ledger": ledger})
        delivery = Delivery(sessions, SETTINGS, host)
        _deliver_until_caught_up(delivery)
        assert ledger.delivered == committed
        # The next sync resumes the killed one; its changes follow, none twice.
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    delivery.run()
    every = all_change_ids(sessions)
    assert len(every) > len(committed)
    assert ledger.delivered == every
    with sessions() as session:
        assert applied(session) == every


def test_a_delivery_killed_mid_batch_leaves_nothing_half_applied(
    ledger_sessions, database_url, tmp_path
):
    sessions = ledger_sessions
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        host = PluginHost([], extra={"ledger": Ledger()})
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    marker = tmp_path / "mid-batch"
    child = _start(["deliver", database_url, str(marker)])
    _kill_when(child, marker)  # it had written its first batch, not committed it
    with sessions() as session:
        assert applied(session) == []
        assert session.scalar(select(func.coalesce(func.max(PluginCursor.position), 0))) == 0

    ledger = host.manager.get_plugin("ledger")
    _deliver_until_caught_up(Delivery(sessions, SETTINGS, host))
    every = all_change_ids(sessions)
    assert ledger.delivered == every
    with sessions() as session:
        assert applied(session) == every
        assert cursor(sessions, "ledger").position == every[-1]


def test_the_log_is_appended_in_commit_order(sessions):
    """A reader past id N never misses an id below N committed later: a second appender waits
    for the first to commit (PostgreSQL takes ids from a sequence, so without that wait the
    second could commit first, a cursor move past it, and the first's rows be skipped)."""
    add_instance(sessions, "http://decidim.invalid")
    with sessions() as session:
        instance_id = session.scalar(select(Instance.id))

    def row(remote_id: str) -> Change:
        return Change(
            run_id=None,
            instance_id=instance_id,
            resource="mappings",
            record_id=0,
            remote_id=remote_id,
            kind="created",
            changed_at=utcnow(),
        )

    order: list[str] = []
    first = sessions()
    changelog.append(first, [row("first")])

    def second() -> None:
        with sessions() as session:
            changelog.append(session, [row("second")])
            session.commit()
            order.append("second")

    worker = threading.Thread(target=second)
    worker.start()
    worker.join(1.0)
    assert worker.is_alive() and not order  # waiting for the first appender
    order.append("first")  # before its commit: the second cannot go on until then
    first.commit()
    first.close()
    worker.join(60)
    assert order == ["first", "second"]
    with sessions() as session:
        ids = dict(session.execute(select(Change.remote_id, Change.id)).all())
    assert ids["first"] < ids["second"]


def test_deliver_only_an_enabled_consumer(sessions):
    delivery = Delivery(sessions, SETTINGS, PluginHost([], extra={"ledger": Ledger()}))
    with pytest.raises(UnknownConsumer):
        delivery.run(only="budget")
    assert [o.plugin for o in delivery.run(only="ledger")] == ["ledger"]
    assert delivery.status() == [
        {
            "plugin": "ledger",
            "cursor": 0,
            "lag": 0,
            "delivered_at": None,
            "attempts": 0,
            "last_error": None,
            "last_error_kind": None,
            "last_error_at": None,
            "next_attempt_at": None,
        }
    ]


def _wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("interval", [3600.0, 0.2])
def test_the_scheduler_delivers_after_a_sync_and_every_few_seconds(
    ledger_sessions, database_url, interval
):
    """With a one-hour interval only the wake after the sync can deliver; with a short one the
    interval delivers what a sync of another process (here: this test) left in the log."""
    sessions = ledger_sessions
    settings = replace(
        SETTINGS,
        database_url=database_url,
        scheduler_poll_seconds=0.1,
        delivery_interval_seconds=interval,
    )
    ledger = Ledger()
    host = PluginHost([], extra={"ledger": ledger})
    scheduler = Scheduler(settings, sessions)
    scheduler.run_sync = SyncEngine(sessions, settings, plugins=host).run
    scheduler.delivery = Delivery(sessions, settings, host)
    stop = threading.Event()
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        if interval < 60:
            assert SyncEngine(sessions, settings, plugins=host).run("ivry").status == "succeeded"
        thread = threading.Thread(target=scheduler.loop, args=(stop,))
        thread.start()
        try:
            if interval > 60:
                with sessions() as session:
                    request_sync(session, "ivry")
                    session.commit()
            assert _wait_for(
                lambda: ledger.delivered and ledger.delivered == all_change_ids(sessions)
            )
        finally:
            stop.set()
            thread.join(30)
    assert not thread.is_alive()


def test_a_consumer_gets_its_own_context_and_reads_records_by_key(sessions):
    seen: list[tuple[str, str | None]] = []

    class Reader:
        @hookimpl
        def consume_changes(self, context, session, changes):
            for change in changes:
                if change.resource == "proposals":
                    found = context.records.get("ivry", "proposals", change.remote_id)
                    seen.append((context.name, found.remote_id if found else None))
                    return

    host = PluginHost([], extra={"reader": Reader()}, settings=SETTINGS, sessions=sessions)
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    with sessions() as session:
        first = session.scalar(
            select(Change.remote_id).where(Change.resource == "proposals").order_by(Change.id)
        )
    Delivery(sessions, SETTINGS, host).run()
    assert seen[0] == ("reader", first)
