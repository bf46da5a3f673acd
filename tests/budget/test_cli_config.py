"""`bridge --config FILE budget ...` works on FILE's database, like every core command."""

from __future__ import annotations

import os
import subprocess
import sys


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_a_budget_command_uses_the_database_of_its_config_file(tmp_path):
    config = tmp_path / "city.toml"
    database = tmp_path / "city.db"
    config.write_text(
        f'database_url = "sqlite:///{database}"\n\n[plugins]\nenabled = ["budget"]\n',
        encoding="utf-8",
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    assert run("--config", str(config), "db", "upgrade", cwd=workdir).returncode == 0

    added = run(
        "--config", str(config), "budget", "envelope", "add", "Suites du vote climat",
        "--amount", "700000", "--year", "2022", cwd=workdir,
    )  # fmt: skip
    listed = run("--config", str(config), "budget", "envelope", "list", cwd=workdir)

    assert added.returncode == 0, added.stderr
    assert "Suites du vote climat" in listed.stdout, listed.stderr
    assert not (workdir / "var").exists()  # the default database was never opened
