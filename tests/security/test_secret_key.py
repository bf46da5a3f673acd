"""A production start refuses to run without BRIDGE_SECRET_KEY (each web worker would make a
key of its own, and sessions and CSRF tokens would fail at random): one line, non-zero exit.
The demo and the tests still make a key of their own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bridge.app import create_app
from bridge.config import MissingSecretKey, Settings


def run(args: list[str], tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    environment.update(BRIDGE_DATABASE_URL=f"sqlite:///{tmp_path}/bridge.db", **env)
    return subprocess.run(
        args, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        [sys.executable, "-m", "bridge.cli", "serve", "--port", "0"],
        [sys.executable, "-c", "import bridge.wsgi"],  # what gunicorn --preload loads
    ],
    ids=["bridge serve", "wsgi"],
)
def test_a_production_start_without_a_secret_key_stops_with_one_line(args, tmp_path):
    done = run(args, tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "BRIDGE_SECRET_KEY is not set" in lines[0]


def test_the_wsgi_app_starts_with_a_secret_key(tmp_path):
    done = run([sys.executable, "-c", "import bridge.wsgi"], tmp_path, BRIDGE_SECRET_KEY="k" * 64)
    assert done.returncode == 0, done.stderr


def test_a_wsgi_server_calling_create_app_needs_the_key_too(monkeypatch, tmp_path):
    monkeypatch.delenv("BRIDGE_SECRET_KEY", raising=False)
    monkeypatch.setenv("BRIDGE_DATABASE_URL", f"sqlite:///{tmp_path}/bridge.db")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MissingSecretKey):
        create_app()
    assert create_app(Settings(database_url=f"sqlite:///{tmp_path}/b.db")).secret_key
