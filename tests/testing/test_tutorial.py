"""The tutorial's plugin is the generator's skeleton plus the tutorial's steps, nothing else:
`docs/examples/changes_digest` must be what `bridge plugin new changes_digest` writes, with
each change of `docs/plugins/changes-digest.md` applied (its `diff` blocks through `git apply`,
its "New file" blocks written out) and the catalogs compiled. A change to the templates, to
the page or to the example alone fails here (`python -m tests.testing.tutorial` rewrites the
page's blocks from the example). Then the example's own tests pass, installed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.testing.tutorial import (
    EXAMPLE,
    PAGE,
    built_from_the_page,
    files,
    messages,
    steps,
    write,
)

UNUSED_PYTEST_PLUGINS = ("cacheprovider", "hypothesispytest", "schemathesis", "anyio")


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
    write(source, files(EXAMPLE))
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
