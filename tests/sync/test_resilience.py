"""A sync survives what real life does to it: SIGKILL, a second process, a flaky Decidim."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from bridge.config import Settings
from bridge.decidim.errors import NotJSONError
from bridge.decidim.http import Credentials
from bridge.store import models
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.migrate import upgrade
from bridge.store.models import SyncLock, SyncRun
from bridge.sync.engine import SyncEngine
from bridge.sync.lock import InstanceLock, LockBusy
from bridge.timeutil import utcnow
from simulator.testing import running_simulator, start_subprocess
from tests.sync.test_engine import SETTINGS, add_instance, snapshot


def proposals_stored(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(models.Proposal))


@pytest.mark.slow
def test_a_sync_killed_mid_run_and_run_again_equals_an_uninterrupted_one(sessions, tmp_path):
    url, stop = start_subprocess(scale=3000, latency_ms=15, rate_limit=0)
    try:
        add_instance(sessions, url)
        database_url = str(sessions.kw["bind"].url.render_as_string(hide_password=False))
        env = {**os.environ, "BRIDGE_DATABASE_URL": database_url}
        victim = subprocess.Popen(
            [sys.executable, "-m", "bridge.cli", "sync", "ivry"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while proposals_stored(sessions) < 400 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        assert 0 < proposals_stored(sessions) < 3000, "killed mid-run"

        # The dead process left its lock and a 'running' run; the next run takes over.
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        with sessions() as session:
            killed = session.scalar(select(SyncRun).order_by(SyncRun.id))
            assert killed.status == "failed" and "interrupted" in killed.error
            assert session.scalar(select(func.count()).select_from(SyncLock)) == 0

        reference = make_sessionmaker(make_engine(f"sqlite:///{tmp_path}/reference.db"))
        upgrade(f"sqlite:///{tmp_path}/reference.db")
        add_instance(reference, url)
        assert SyncEngine(reference, SETTINGS).run("ivry").status == "succeeded"
        assert snapshot(sessions) == snapshot(reference)
        with sessions() as session:
            rids = session.scalars(select(models.Proposal.remote_id)).all()
        assert len(rids) == len(set(rids))  # no duplicate
    finally:
        stop()


def test_an_interrupted_run_is_resumed_from_its_finished_components(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        sim.faults.set(fail_next=0)
        # Decidim breaks while the 4th component is read: three are done by then. (Its first
        # pages came with the others' before the components are written, so the failure is
        # raised where its next request would have met it.)
        original = engine._sync_component
        calls = []

        def flaky(*args, **kwargs):
            calls.append(1)
            if len(calls) == 4:
                sim.faults.set(html=True)
                raise NotJSONError("Decidim answered with an HTML page instead of JSON")
            return original(*args, **kwargs)

        engine._sync_component = flaky
        first = engine.run("ivry")
        assert first.status == "failed" and "HTML" in first.error
        done = len(first.progress["done"])
        assert done == 3
        sim.faults.set(html=False)
        second = SyncEngine(sessions, SETTINGS).run("ivry")
        assert second.status == "succeeded" and second.resumed_from == first.id
        reference_requests = SyncEngine(sessions, SETTINGS).run("ivry", full=True).requests
        assert second.requests < reference_requests


def test_one_run_at_a_time_per_instance(sessions):
    add_instance(sessions, "http://127.0.0.1:9")
    with sessions() as session:
        instance_id = session.scalar(select(models.Instance.id))
    holder = InstanceLock(sessions, instance_id, stale_after=120)
    holder.acquire()
    with pytest.raises(LockBusy, match="already running"):
        SyncEngine(sessions, SETTINGS).run("ivry")
    holder.release()
    run = SyncEngine(sessions, Settings(http_retries=0)).run("ivry")
    assert run.status == "failed"  # it ran (and failed to reach the host): the lock was free


def test_a_stale_lock_from_another_machine_expires(sessions):
    add_instance(sessions, "http://127.0.0.1:9")
    with sessions() as session:
        instance_id = session.scalar(select(models.Instance.id))
        old = utcnow().replace(year=2020)
        session.add(
            SyncLock(
                instance_id=instance_id, owner="elsewhere:1:x", acquired_at=old, heartbeat_at=old
            )
        )
        session.commit()
    run = SyncEngine(sessions, Settings(http_retries=0)).run("ivry")
    assert run.status == "failed" and "cannot reach" in run.error


def test_5xx_and_429_are_retried_and_counted(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        sim.faults.set(fail_next=2, throttle_every=5, retry_after=0)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        assert run.retries >= 3
        assert run.requests == sim.stats["api"]


def test_a_persistent_server_fault_fails_with_its_message(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        sim.faults.set(error_rate=1.0)
        run = SyncEngine(sessions, Settings(http_retries=1)).run("ivry")
        assert run.status == "failed"
        assert "HTTP 500" in run.error and "Internal Server error" in run.error


def test_a_login_only_organization_is_reported(sessions):
    with running_simulator(force_login=True) as sim:
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "failed" and "requires signing in" in run.error


def test_decidim_031_api_user_signs_in_and_refreshes(sessions):
    options = dict(
        version="0.31", force_api_auth=True, api_credentials=("key", "secret"), token_lifetime=1.0
    )
    with running_simulator(**options) as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "failed"  # no credentials
        with sessions() as session:
            instance = session.scalar(select(models.Instance))
            instance.api_key, instance.api_secret = "key", "secret"
            session.commit()
        # A packed sync needs few requests (7 here): slow each one so that tokens expire during
        # the run. A token lives long enough for a sign-in and the request after it even on a
        # loaded machine (0.3 s did not, once, under CI-like load).
        sim.faults.set(latency_ms=300)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        assert sim.app.sign_ins >= 2
    assert Credentials("key", "secret")


def test_unchanged_sync_writes_no_record(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        engine.run("ivry")
        writes = []
        from sqlalchemy import event

        bind = sessions.kw["bind"]

        def count(conn, cursor, statement, *args):
            verb = statement.lstrip().split(None, 1)[0].upper()
            if verb in {"INSERT", "UPDATE", "DELETE"}:
                writes.append(statement.split("(")[0][:60])

        event.listen(bind, "before_cursor_execute", count)
        try:
            engine.run("ivry")
        finally:
            event.remove(bind, "before_cursor_execute", count)
        record_tables = (
            "proposals",
            "budgets",
            "projects",
            "results",
            "meetings",
            "debates",
            "spaces",
            "components",
            "scopes",
            "categories",
            "changes",
        )
        touched = [
            w for w in writes if any(f" {t} " in f" {w} ".replace('"', " ") for t in record_tables)
        ]
        assert touched == []
