"""`bridge plugin new`: the generated plugin installs with pip, lints clean and passes its own
tests (run by pytest in a subprocess, with the test kit from its entry point) as generated;
bad names are refused with a sentence and a non-zero exit, writing nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.scaffold import core_head

RUFF = Path(sys.executable).with_name("ruff")


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_a_generated_plugin_installs_lints_clean_and_passes_its_tests(tmp_path):
    made = CliRunner().invoke(main, ["plugin", "new", "cafes_de_quartier", "--directory", tmp_path])
    assert made.exit_code == 0, made.output
    root = tmp_path / "civic-bridge-cafes-de-quartier"
    first = (root / "cafes_de_quartier" / "migrations" / "cafes_de_quartier_1.py").read_text()
    assert f'core_revision = "{core_head()}"' in first  # the core as it is today
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    installed = run(*pip, "--no-build-isolation", "--target", str(site), str(root), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert (site / "cafes_de_quartier" / "templates" / "cafes_de_quartier" / "admin.html").exists()
    assert (site / "cafes_de_quartier" / "translations" / "fr" / "LC_MESSAGES").is_dir()
    for lint in (["check", "."], ["format", "--check", "."]):
        linted = run(str(RUFF), *lint, cwd=root)
        assert linted.returncode == 0, linted.stdout + linted.stderr
    # Its tests, from its own folder, with the installed copy on the path (entry point too).
    env = {**os.environ, "PYTHONPATH": str(site)}
    tested = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=root, env=env)
    assert tested.returncode == 0, tested.stdout[-4000:]
    assert " passed" in tested.stdout and " failed" not in tested.stdout


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("9lives", "is not a plugin name"),
        ("Cafés", "is not a plugin name"),
        ("class", "is not a plugin name"),
        ("a" * 31, "is too long for a plugin name"),
        ("json", "a Python module named 'json' already exists"),
        ("budget", "a plugin named 'budget' is already installed"),
    ],
)
def test_bad_names_are_refused(tmp_path, name, says):
    refused = CliRunner().invoke(main, ["plugin", "new", name, "--directory", tmp_path])
    assert refused.exit_code == 1 and says in refused.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_left_alone(tmp_path):
    (tmp_path / "civic-bridge-cafes").mkdir()
    (tmp_path / "civic-bridge-cafes" / "mine.txt").write_text("à garder")
    refused = CliRunner().invoke(main, ["plugin", "new", "cafes", "--directory", tmp_path])
    assert refused.exit_code == 1 and "already exists: nothing was written" in refused.output
    assert [p.name for p in (tmp_path / "civic-bridge-cafes").iterdir()] == ["mine.txt"]
