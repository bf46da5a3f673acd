"""`bridge plugin new`: the generated plugin installs with pip, lints clean and passes its own
tests (run by pytest in a subprocess, with the test kit from its entry point) as generated;
bad names are refused with a sentence and a non-zero exit, writing nothing.

One generation serves every check, and the costly ones overlap: ruff runs while pip installs,
and the plugin's tests run on SQLite, with its migration alone also on PostgreSQL when
BRIDGE_TEST_POSTGRES_URL is set (the test kit's own tests cover its PostgreSQL fixtures)."""

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
# The bridge's own test tools load through entry points too; a plugin's tests use none of them
# (hypothesis alone costs seconds at start).
UNUSED_PYTEST_PLUGINS = ("cacheprovider", "hypothesispytest", "schemathesis", "anyio")


def start(*args: str, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(process: subprocess.Popen) -> str:
    """The process's output, once it has ended well."""
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, f"{process.args}:\n{output[-4000:]}"
    return output


@pytest.mark.slow
def test_a_generated_plugin_installs_lints_clean_and_passes_its_tests(tmp_path):
    made = CliRunner().invoke(main, ["plugin", "new", "cafes_de_quartier", "--directory", tmp_path])
    assert made.exit_code == 0, made.output
    root = tmp_path / "civic-bridge-cafes-de-quartier"
    first = (root / "cafes_de_quartier" / "migrations" / "cafes_de_quartier_1.py").read_text()
    assert f'core_revision = "{core_head()}"' in first  # the core as it is today
    lints = [start(str(RUFF), *lint, cwd=root) for lint in (["check"], ["format", "--check"])]
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    finish(start(*pip, "--no-build-isolation", "--target", str(site), str(root), cwd=tmp_path))
    assert (site / "cafes_de_quartier" / "templates" / "cafes_de_quartier" / "admin.html").exists()
    assert (site / "cafes_de_quartier" / "translations" / "fr" / "LC_MESSAGES").is_dir()
    # Its tests, from its own folder, with the installed copy on the path (entry point too);
    # -P keeps the folder itself off the path, so the package, its templates and catalogs are
    # the installed ones.
    env = {**os.environ, "PYTHONPATH": str(site)}
    args = ["-q", "-k", "not postgres or migrated"]
    for unused in UNUSED_PYTEST_PLUGINS:
        args += ["-p", f"no:{unused}"]
    tested = finish(start(sys.executable, "-P", "-m", "pytest", *args, cwd=root, env=env))
    assert " passed" in tested and " failed" not in tested
    ran = 7 if os.environ.get("BRIDGE_TEST_POSTGRES_URL") else 6
    assert f"{ran} passed" in tested, tested[-2000:]
    for lint in lints:
        finish(lint)


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
