"""The plugin author's reference stays true: every hook has its section in
docs/plugins/hooks.md with its exact signature and an example; every Python example of the
plugin docs parses; the core revisions and the test kit's fixtures they list are the real ones."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "docs" / "plugins.md", *sorted((ROOT / "docs" / "plugins").glob("*.md"))]
HOOKS_PAGE = (ROOT / "docs" / "plugins" / "hooks.md").read_text(encoding="utf-8")
PYTHON = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def hookspecs() -> dict[str, ast.FunctionDef]:
    tree = ast.parse((ROOT / "bridge" / "hookspecs.py").read_text(encoding="utf-8"))
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and "hookspec" in map(ast.unparse, node.decorator_list)
    }


def sections(page: str) -> dict[str, str]:
    parts = re.split(r"^## (\w+)\n", page, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_hook_has_its_signature_and_an_example():
    specs, documented = hookspecs(), sections(HOOKS_PAGE)
    assert sorted(documented) == sorted(specs)  # none missing, none that does not exist
    for name, node in specs.items():
        blocks = PYTHON.findall(documented[name])
        [shown] = ast.parse(blocks[0]).body  # the signature, as ruff formats it
        assert isinstance(shown, ast.FunctionDef) and shown.name == name
        assert ast.unparse(shown.args) == ast.unparse(node.args), name
        assert ast.unparse(shown.returns) == ast.unparse(node.returns), name
        examples = [ast.parse(block) for block in blocks[1:]]
        implemented = [
            f
            for tree in examples
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef) and f.name == name
        ]
        assert implemented, f"{name}: no example implementing it"
        for f in implemented:  # pluggy's rule: a subset of the hook's arguments
            assert {a.arg for a in f.args.args} <= {a.arg for a in node.args.args}, name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_python_example_parses(page):
    for block in PYTHON.findall(page.read_text(encoding="utf-8")):
        ast.parse(block)  # a SyntaxError names the line


def test_the_core_revisions_listed_are_the_real_ones():
    from bridge.store.migrate import CORE_HISTORY, script

    found = script(CORE_HISTORY)
    real = [r.revision for r in found.walk_revisions()]
    page = (ROOT / "docs" / "plugins" / "migrations.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(\d{4})` \|", page, flags=re.M)
    assert sorted(listed) == sorted(real)
    assert f"the newest is `{found.get_current_head()}`" in page


def test_the_test_kit_fixtures_listed_are_the_real_ones():
    from bridge.testing import plugin

    fixtures = {
        name
        for name, value in vars(plugin).items()
        if type(value).__name__ == "FixtureFunctionDefinition"  # what @pytest.fixture makes
    }
    page = (ROOT / "docs" / "plugins" / "testing.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+)` \|", page, flags=re.M))
    assert fixtures and listed == fixtures
