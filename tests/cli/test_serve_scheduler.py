"""`bridge serve` on SQLite runs the scheduler too: a "sync now" asked while only the web
process runs is synced (real processes, the real stand-in); `--without-scheduler` leaves it
waiting, and the heartbeat says so."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlalchemy import select

from bridge import embedded_scheduler, heartbeat
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import SyncRun
from simulator.testing import free_port, running_simulator
from tests.cli.test_cli import bridge


def serve(database_url: str, *flags: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "BRIDGE_DATABASE_URL": database_url,
        "BRIDGE_SCHEDULER_POLL_SECONDS": "0.3",
        "BRIDGE_SECRET_KEY": "serve-test",
    }
    env.pop("BRIDGE_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bridge.cli", "serve", "--port", str(free_port()), *flags],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def runs(sessions) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(SyncRun.status)))


def test_serve_on_sqlite_runs_the_requested_sync(sqlite_url):
    url = sqlite_url  # migrated by the test kit (`bridge db upgrade` is tested in test_cli)
    sessions = make_sessionmaker(make_engine(url))
    with running_simulator() as sim:
        bridge(
            "instance",
            "add",
            "ivry",
            "--url",
            sim.url,
            "--rate-limit",
            "0",
            database_url=url,
            check=True,
        )
        bridge("request-sync", "ivry", database_url=url, check=True)
        web = serve(url)
        try:
            deadline = time.monotonic() + 60
            while "succeeded" not in runs(sessions) and time.monotonic() < deadline:
                time.sleep(0.3)
            assert web.poll() is None, "bridge serve stopped"
            assert runs(sessions) == ["succeeded"]
            with sessions() as session:
                assert heartbeat.state(session, 0.3).alive
        finally:
            web.terminate()
            web.wait(20)


def test_without_scheduler_the_request_waits_and_nothing_beats(sqlite_url):
    url = sqlite_url  # migrated by the test kit (`bridge db upgrade` is tested in test_cli)
    bridge("instance", "add", "ivry", "--url", "http://127.0.0.1:9", database_url=url, check=True)
    bridge("request-sync", "ivry", database_url=url, check=True)
    web = serve(url, "--without-scheduler")
    try:
        time.sleep(3)
        assert web.poll() is None, "bridge serve stopped"
        sessions = make_sessionmaker(make_engine(url))
        assert runs(sessions) == []
        with sessions() as session:
            assert heartbeat.state(session, 0.3) == heartbeat.SchedulerState(None, False)
    finally:
        web.terminate()
        web.wait(20)


def test_the_embedded_scheduler_is_on_by_default_for_sqlite_only():
    assert embedded_scheduler.wanted_by_default(Settings(database_url="sqlite:///x.db"))
    assert not embedded_scheduler.wanted_by_default(
        Settings(database_url="postgresql://bridge@db/bridge")
    )
