"""The tutorial's plugin, for its test and its maintainers: the skeleton generated as the
example was, the steps of docs/plugins/changes-digest.md applied to it, and `refresh`, which
rewrites the page's blocks from the example after a change to the example:

    python -m tests.testing.tutorial     # then read `git diff docs/plugins/changes-digest.md`

A step is a ```diff block (a unified diff with a/ and b/ paths, applied by `git apply`) or a
"New file `path`:" line followed by a block holding the whole file."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

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
DIFF = re.compile(r"^```diff\n(?P<diff>.*?)^```$", re.M | re.S)
NEW = re.compile(
    r"^New file `(?P<path>[^`]+)`:\n\n```(?P<lang>\w*)\n(?P<text>.*?)^```$", re.M | re.S
)
STEP = re.compile(f"{DIFF.pattern}|{NEW.pattern}", re.M | re.S)


def files(root: Path) -> dict[Path, bytes]:
    """The files under `root`, by relative path, without what tools leave."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_dir() or LEFT_BY_TOOLS & set(relative.parts):
            continue
        if relative.parts[0].endswith(".egg-info"):
            continue
        found[relative] = path.read_bytes()
    return found


def write(root: Path, found: dict[Path, bytes]) -> None:
    for path, content in found.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)


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


def skeleton() -> dict[Path, bytes]:
    """What `bridge plugin new changes_digest` wrote when the example was generated."""
    revision = re.search(r'^core_revision = "([^"]+)"', FIRST.read_text(), re.M)
    assert revision, f"{FIRST} names no core_revision"
    enabled = re.search(r"^    enabled = \[(.*), \"changes_digest\"\]$", README.read_text(), re.M)
    assert enabled, f"{README} names no enabled list"
    return render("changes_digest", revision[1], re.findall(r'"(\w+)"', enabled[1]))


def built_from_the_page(folder: Path) -> Path:
    """The skeleton with the page's steps applied and its catalogs compiled, in `folder`."""
    root = folder / "changes_digest"
    write(root, skeleton())
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


def refresh() -> None:
    """Rewrite each block of the page from the example as it is now: a diff block becomes the
    diff from the skeleton to the example's file, a new file's block the example's file."""
    with tempfile.TemporaryDirectory() as folder:
        generated = Path(folder)
        write(generated, skeleton())

        def diff(match: re.Match) -> str:
            path = re.search(r"^--- a/(\S+)", match["diff"], re.M)
            assert path, f"a diff block of {PAGE.name} names no file"
            shown = subprocess.run(
                ["git", "diff", "--no-index", "--no-color", "--no-prefix", "--",
                 str(generated / path[1]), str(EXAMPLE / path[1])],
                capture_output=True, text=True, check=False,
            ).stdout.splitlines(keepends=True)  # fmt: skip
            start = next(i for i, line in enumerate(shown) if line.startswith("@@"))
            head = [f"--- a/{path[1]}\n", f"+++ b/{path[1]}\n"]
            return "```diff\n" + "".join(head + shown[start:]) + "```"

        def new(match: re.Match) -> str:
            text = (EXAMPLE / match["path"]).read_text(encoding="utf-8")
            return f"New file `{match['path']}`:\n\n```{match['lang']}\n{text}```"

        page = PAGE.read_text(encoding="utf-8")
        PAGE.write_text(NEW.sub(new, DIFF.sub(diff, page)), encoding="utf-8")


if __name__ == "__main__":
    refresh()
