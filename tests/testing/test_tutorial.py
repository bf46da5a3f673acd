"""The tutorial's plugin is the generator's skeleton plus the tutorial's steps, nothing else:
`docs/examples/changes_digest` must be what `bridge plugin new changes_digest` writes, with
each change of `docs/plugins/changes-digest.md` applied (its `diff` blocks through `git apply`,
its "New file" blocks written out) and the catalogs compiled. A change to the templates, to
the page or to the example alone fails here. Then the example's own tests pass, installed."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from bridge.scaffold import render, write_catalogs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "changes_digest"
PAGE = ROOT / "docs" / "plugins" / "changes-digest.md"
# What the bridge was when the example was generated: its head revision, its bundled plugins.
FIRST = EXAMPLE / "changes_digest" / "migrations" / "changes_digest_1.py"
README = EXAMPLE / "README.md"
# What building, installing or testing the example leaves beside its files.
LEFT_BY_TOOLS = {"__pycache__", "build", ".pytest_cache", ".ruff_cache"}
STEP = re.compile(
    r"^```diff\n(?P<diff>.*?)^```$"  # a change: a unified diff, applied as it is
    r"|^New file `(?P<path>[^`]+)`:\n\n```\w*\n(?P<text>.*?)^```$",  # a file written out
    re.M | re.S,
)
UNUSED_PYTEST_PLUGINS = ("cacheprovider", "hypothesispytest", "schemathesis", "anyio")


def files(root: Path) -> dict[Path, bytes]:
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_dir() or LEFT_BY_TOOLS & set(relative.parts):
            continue
        if relative.parts[0].endswith(".egg-info"):
            continue
        found[relative] = path.read_bytes()
    return found


def messages(mo: bytes) -> dict[str, object]:
    """What a compiled catalog translates (its bytes carry the compilation's date)."""
    return {str(m.id): m.string for m in read_mo(io.BytesIO(mo)) if m.id}


def steps(page: str) -> list[tuple[str, str]]:
    """The page's changes, in order: ("diff", patch) or (path, the new file's text)."""
    found = []
    for match in STEP.finditer(page):
        if match["diff"] is not None:
            found.append(("diff", match["diff"]))
        else:
            found.append((match["path"], match["text"]))
    return found


def built_from_the_page(folder: Path) -> Path:
    """The skeleton generated at the example's core revision, with the page's steps applied."""
    revision = re.search(r'^core_revision = "([^"]+)"', FIRST.read_text(), re.M)
    assert revision, f"{FIRST} names no core_revision"
    enabled = re.search(r"^    enabled = \[(.*), \"changes_digest\"\]$", README.read_text(), re.M)
    assert enabled, f"{README} names no enabled list"
    bundled = re.findall(r'"(\w+)"', enabled[1])
    root = folder / "changes_digest"
    for path, content in render("changes_digest", revision[1], bundled).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    for number, (kind, text) in enumerate(steps(PAGE.read_text(encoding="utf-8")), 1):
        if kind == "diff":
            patch = folder / f"step{number}.diff"
            patch.write_text(text, encoding="utf-8")
            applied = subprocess.run(
                ["git", "apply", "--verbose", str(patch)],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
            )
            assert applied.returncode == 0, f"step {number} of {PAGE.name}: {applied.stderr}"
        else:
            (root / kind).parent.mkdir(parents=True, exist_ok=True)
            (root / kind).write_text(text, encoding="utf-8")
    write_catalogs(root)
    return root


def test_the_page_has_its_steps():
    kinds = [kind for kind, _ in steps(PAGE.read_text(encoding="utf-8"))]
    assert kinds.count("diff") >= 5 and "changes_digest/digest.py" in kinds


def test_the_example_is_the_skeleton_with_the_pages_steps(tmp_path):
    built, example = files(built_from_the_page(tmp_path)), files(EXAMPLE)
    assert sorted(map(str, example)) == sorted(map(str, built))
    differ = []
    for path, content in built.items():
        if path.suffix == ".mo":
            if messages(content) != messages(example[path]):
                differ.append(f"{path} (not compiled from its .po)")
        elif content != example[path]:
            differ.append(str(path))
    assert differ == [], "the example is not the skeleton with the page's steps"


@pytest.mark.slow
def test_the_examples_own_tests_pass_installed(tmp_path):
    # Built from a copy: a build writes beside the sources, and another test installs the
    # example at the same time under pytest-xdist.
    source = tmp_path / "changes_digest"
    for path, content in files(EXAMPLE).items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(content)
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    installed = subprocess.run(
        [*pip, "--no-build-isolation", "--target", str(site), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    args = ["-q", "-k", "not postgres"]  # -P below: the installed package, not the folder's
    for unused in UNUSED_PYTEST_PLUGINS:
        args += ["-p", f"no:{unused}"]
    tested = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", *args],
        cwd=source,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout[-4000:]
    assert "9 passed" in tested.stdout, tested.stdout[-2000:]
