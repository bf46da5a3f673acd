"""The `bridge` command as scripts use it: real processes, exit codes, one-line errors. The
refusals of bad input run the same command in this process (`bridge_in_process`): a process of
their own would only add its start, about 2 s of CPU each."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from simulator.testing import running_simulator


def bridge(*args: str, database_url: str, check: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "BRIDGE_DATABASE_URL": database_url}
    env.pop("BRIDGE_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def bridge_in_process(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """`bridge(...)` through click's CliRunner in this process, its answer in the same shape."""
    from click.testing import CliRunner

    from bridge.cli import main

    env = {"BRIDGE_DATABASE_URL": database_url, "BRIDGE_CONFIG": None}
    result = CliRunner().invoke(main, list(args), env=env)
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def db_url(sqlite_url) -> str:
    """A migrated database (the test kit's copy: `bridge db upgrade` itself is tested below)."""
    return sqlite_url


def test_help_lists_the_commands(tmp_path):
    out = bridge("--help", database_url=f"sqlite:///{tmp_path}/x.db", check=True).stdout
    for command in (
        "db",
        "instance",
        "sync",
        "scheduler",
        "serve",
        "simulator",
        "demo",
        "request-sync",
    ):
        assert command in out


def test_db_upgrade_migrates_then_is_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path}/bridge.db"
    bridge("db", "upgrade", database_url=url, check=True)
    assert "up to date" in bridge("db", "upgrade", database_url=url, check=True).stdout


def test_an_unmigrated_database_is_named(tmp_path):
    result = bridge("instance", "list", database_url=f"sqlite:///{tmp_path}/empty.db")
    assert result.returncode != 0
    assert "bridge db upgrade" in result.stderr


def test_add_list_and_sync_an_instance(db_url):
    with running_simulator() as sim:
        bridge(
            "instance",
            "add",
            "ivry",
            "--url",
            sim.url,
            "--locale",
            "fr",
            "--interval",
            "30",
            database_url=db_url,
            check=True,
        )
        listing = bridge("instance", "list", database_url=db_url, check=True).stdout
        assert "ivry" in listing and "every 30 min" in listing
        result = bridge("sync", "ivry", database_url=db_url)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().startswith("ivry: succeeded - created ")
        assert "plugin budget: " in result.stdout  # then its changes went to the plugins
        again = bridge("sync", "ivry", database_url=db_url, check=True)
        assert "created 0, updated 0" in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "ftp://x"], "must start with http"),
        (["--url", "http://x/api"], "site root"),
        (["--url", "http://x", "--interval", "5", "--cron", "* * * * *"], "not both"),
        (["--url", "http://x", "--cron", "every day"], "not a crontab"),
        (["--url", "http://x", "--api-key", "k"], "go together"),
    ],
)
def test_bad_instance_input_is_refused(db_url, args, message):
    result = bridge_in_process("instance", "add", "ivry", *args, database_url=db_url)
    assert result.returncode != 0 and message in result.stderr


def test_duplicate_instance_is_refused(db_url):
    added = bridge_in_process("instance", "add", "ivry", "--url", "http://x", database_url=db_url)
    assert added.returncode == 0, added.stderr
    result = bridge_in_process("instance", "add", "ivry", "--url", "http://y", database_url=db_url)
    assert result.returncode != 0 and "already exists" in result.stderr


def test_failed_sync_exits_non_zero_with_one_line_reason(db_url):
    bridge(
        "instance", "add", "down", "--url", "http://127.0.0.1:9", database_url=db_url, check=True
    )
    result = bridge("sync", "down", database_url=db_url)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "cannot reach" in errors[0]


def test_unknown_instance(db_url):
    result = bridge("sync", "nowhere", database_url=db_url)
    assert result.returncode != 0 and "no instance named 'nowhere'" in result.stderr


def test_request_sync_writes_a_request_row(db_url):
    bridge("instance", "add", "ivry", "--url", "http://x", database_url=db_url, check=True)
    out = bridge("request-sync", "ivry", database_url=db_url, check=True).stdout
    assert "requested" in out


def test_demo_oneshot(tmp_path):
    env_url = f"sqlite:///{tmp_path}/demo.db"
    env = {**os.environ, "BRIDGE_DATABASE_URL": env_url, "DEMO_ONESHOT": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "demo", "--stand-in-port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert "sync of ivry: succeeded" in result.stdout
    assert "/api/v1/proposals" in result.stdout and "/healthz" in result.stdout


def test_plugins_deliver_replay_and_status(db_url):
    """`bridge sync --no-deliver` leaves the changes waiting; `bridge plugins deliver` hands
    them to the budget plugin; a replay (audited) moves its cursor back."""
    from sqlalchemy import func, select

    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.store.models import AuditEntry, Change

    with running_simulator() as sim:
        bridge("instance", "add", "ivry", "--url", sim.url, database_url=db_url, check=True)
        synced = bridge("sync", "ivry", "--no-deliver", database_url=db_url, check=True)
        assert "delivered" not in synced.stdout
    sessions = make_sessionmaker(make_engine(db_url))
    with sessions() as session:
        logged = session.scalar(select(func.count()).select_from(Change))
    status = bridge("plugins", "status", database_url=db_url, check=True).stdout
    assert f"budget: cursor 0, {logged} change(s) waiting" in status
    delivered = bridge("plugins", "deliver", database_url=db_url, check=True).stdout
    assert f"budget: {logged} change(s) delivered" in delivered
    status = bridge("plugins", "status", database_url=db_url, check=True).stdout
    assert f"budget: cursor {logged}, 0 change(s) waiting" in status

    replayed = bridge("plugins", "replay", "budget", "--from", "5", database_url=db_url)
    assert replayed.returncode == 0, replayed.stderr
    assert f"cursor moved from {logged} to 4" in replayed.stdout
    again = bridge("plugins", "deliver", "budget", database_url=db_url, check=True).stdout
    assert f"budget: {logged - 4} change(s) delivered" in again
    with sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "plugins.replay"))
    assert (entry.actor, entry.target, entry.after) == ("cli", "plugin:budget", {"position": 4})

    unknown = bridge("plugins", "replay", "nobody", "--from", "1", database_url=db_url)
    assert unknown.returncode != 0
    assert unknown.stderr.strip() == "Error: no enabled plugin 'nobody' consumes changes"
    assert bridge("plugins", "deliver", "nobody", database_url=db_url).returncode != 0
    zero = bridge("plugins", "replay", "budget", "--from", "0", database_url=db_url)
    assert zero.returncode != 0 and "--from" in zero.stderr
