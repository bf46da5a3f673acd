"""What `pip install .` (the Dockerfile's install) puts on a server: the wheel must carry every
page, stylesheet, catalog and query the checkout has, not only the Python modules. An editable
install reads the checkout and hides a file the wheel left out."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bridge", "plugins", "simulator")


def files_of_the_checkout() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.mark.slow
def test_the_wheel_carries_every_file_of_the_packages(tmp_path):
    # Built from a clean copy: setuptools reuses a checkout's build/ folder, whose leftovers
    # would hide a file the package data no longer names.
    source = tmp_path / "source"
    leftovers = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=leftovers)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("civic_bridge-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())

    missing = sorted(files_of_the_checkout() - inside)

    assert not missing, f"add these to [tool.setuptools.package-data]: {missing}"
    assert "bridge/templates/admin/layout.html" in inside
