"""In Datasette's manner: the tutorial's plugin implements every hook, and every hook takes
the context first (each hook's documented signature is checked by test_docs_reference)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "examples" / "changes_digest" / "changes_digest" / "__init__.py"


def _functions(path: Path, decorator: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and decorator in map(ast.unparse, node.decorator_list)
    }


HOOKS = _functions(ROOT / "bridge" / "hookspecs.py", "hookspec")


def test_every_hook_takes_the_context_first():
    assert len(HOOKS) >= 15
    assert [n for n, node in HOOKS.items() if node.args.args[0].arg != "context"] == []


def test_the_tutorial_plugin_implements_every_hook():
    implemented = _functions(TUTORIAL, "hookimpl")
    assert sorted(implemented) == sorted(HOOKS)
    for name, node in implemented.items():  # pluggy's rule: a subset of the hook's arguments
        assert {a.arg for a in node.args.args} <= {a.arg for a in HOOKS[name].args.args}, name
